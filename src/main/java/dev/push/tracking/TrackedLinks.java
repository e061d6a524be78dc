package dev.push.tracking;

import dev.push.channel.personalization.LinkTracking;
import dev.push.storage.SharedSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Base64;

/**
 * Tracked links, {@code {push.tracking.base-url}/c/{token}}, and unsubscribe links, {@code …/u/{token}}: the token signed under the link-signing key every
 * instance shares ({@link SharedSecrets}, made once and stored in the database, so a restart or another instance
 * reads the same links the same way).
 */
@ApplicationScoped
public class TrackedLinks implements LinkTracking {
    static final String KEY_ID = "link-signing-key";
    public static final String PATH = "/c/";
    public static final String UNSUBSCRIBE_PATH = "/u/";

    @Inject
    SharedSecrets secrets;

    @Inject
    TrackingSettings settings;

    private volatile LinkToken tokens;

    @Override
    public String link(long campaignId, String memberId, int variant) {
        return base() + PATH + tokens().sign(new LinkToken.Claim(campaignId, memberId, variant));
    }

    @Override
    public String unsubscribeLink(String category, String memberId) {
        return base() + UNSUBSCRIBE_PATH + tokens().sign(new LinkToken.Unsubscribe(category, memberId));
    }

    /** What an unsubscribe token names, or null when it is not one this cluster signed. */
    public LinkToken.Unsubscribe readUnsubscribe(String token) {
        return tokens().verifyUnsubscribe(token);
    }

    /** What a token names, or null when it is not one this cluster signed. */
    public LinkToken.Claim read(String token) {
        return tokens().verify(token);
    }

    /** The token of a tracked link of this service, or null when the text is not such a link. */
    public String tokenOf(String link) {
        String prefix = base() + PATH;
        return link != null && link.startsWith(prefix) ? link.substring(prefix.length()) : null;
    }

    LinkToken tokens() {
        LinkToken t = tokens;
        if (t == null) {
            synchronized (this) {
                if (tokens == null) {
                    tokens = new LinkToken(Base64.getDecoder().decode(secrets.key(KEY_ID)));
                }
                t = tokens;
            }
        }
        return t;
    }

    private String base() {
        String b = settings.baseUrl();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
