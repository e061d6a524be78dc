package dev.push.tracking;

import dev.push.channel.personalization.MessageRefused;
import dev.push.channel.personalization.Personalization;
import dev.push.member.Member;
import dev.push.member.MemberStore;
import dev.push.task.Task;
import dev.push.task.Tasks;
import dev.push.variant.Variants;
import org.bson.Document;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a tracked link leads: the personalized link of the member it names, rendered again from the campaign's
 * message. Campaigns are kept in memory (a tracked message never changes once created), so a link that reads only
 * {@code {member.id}} is answered without the database; one that reads member attributes needs the member, by key.
 */
@ApplicationScoped
public class ClickTargets {
    /** A campaign looked up is kept this long (a deleted one stops redirecting after it). */
    static final long KEEP_MS = 60_000;
    private static final int MAX_CAMPAIGNS = 10_000;

    @Inject
    Tasks tasks;

    @Inject
    MemberStore members;

    @Inject
    Personalization personalization;

    private record Known(Personalization.MessageTemplate template, long loadedAt) {
    }

    /** Per campaign and variant ({@code 12/0}, {@code 12/2}): each variant has its own link. */
    private final Map<String, Known> campaigns = new ConcurrentHashMap<>();

    private static String key(LinkToken.Claim claim) {
        return claim.campaign() + "/" + claim.variant();
    }

    /** What {@link #fromMemory} answers when there is no target (not a tracked campaign, a link that does not render). */
    static final String NONE = "";

    /**
     * The target when it is known without the database, {@link #NONE} when there is none, null when the campaign or
     * the member must be read first ({@link #resolve}).
     */
    String fromMemory(LinkToken.Claim claim) {
        Known k = campaigns.get(key(claim));
        if (k == null || System.currentTimeMillis() - k.loadedAt() > KEEP_MS) {
            return null;
        }
        if (k.template() == null) {
            return NONE;
        }
        if (k.template().linkReadsAttributes()) {
            return null;
        }
        String target = render(k.template(), claim.member(), Map.of());
        return target == null ? NONE : target;
    }

    /** The target, reading the campaign and the member as needed (blocking); null when there is none. */
    String resolve(LinkToken.Claim claim) {
        Known k = campaigns.get(key(claim));
        if (k == null || System.currentTimeMillis() - k.loadedAt() > KEEP_MS) {
            if (campaigns.size() >= MAX_CAMPAIGNS) {
                campaigns.clear();
            }
            Task t = tasks.find(claim.campaign());
            Document message = t == null ? null : Variants.message(t, claim.variant());
            boolean tracked = t != null && Task.CAMPAIGN.equals(t.kind) && Personalization.tracked(message);
            k = new Known(tracked ? personalization.template(t.id, message) : null, System.currentTimeMillis());
            campaigns.put(key(claim), k);
        }
        if (k.template() == null) {
            return null;
        }
        if (!k.template().linkReadsAttributes()) {
            return render(k.template(), claim.member(), Map.of());
        }
        Personalization.MessageTemplate template = k.template();
        Optional<Member> member = members.find(claim.member());
        return member.map(m -> render(template, claim.member(), m.attributes())).orElse(null);
    }

    private static String render(Personalization.MessageTemplate template, String member, Map<String, Object> attributes) {
        try {
            String target = template.target(member, attributes);
            return target == null || target.isEmpty() ? null : target;
        } catch (MessageRefused e) {
            return null;
        }
    }
}
