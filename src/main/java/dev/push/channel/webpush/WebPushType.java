package dev.push.channel.webpush;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.Recipients;
import dev.push.channel.config.ChannelType;
import dev.push.channel.http.DestinationGuard;
import dev.push.channel.http.HttpClients;
import dev.push.channel.personalization.Personalization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Web Push channels: settings in {@link WebPushSettings}; credentials {@code vapidPublicKey} (base64 X.509) and
 * {@code vapidPrivateKey} (base64 PKCS#8), the channel's VAPID key pair. A new channel without them gets a fresh P-256
 * pair, sealed like every credential; give them to keep the subscriptions a site made under an earlier pair. Answers
 * show the public key as {@code settings.applicationServerKey} (base64url, what {@code pushManager.subscribe} takes).
 */
@ApplicationScoped
public class WebPushType implements ChannelType {
    static final String PUBLIC_KEY = "vapidPublicKey";
    static final String PRIVATE_KEY = "vapidPrivateKey";

    @Inject
    HttpClients http;

    @Inject
    Personalization personalization;

    @Inject
    Recipients recipients;

    @Inject
    DestinationGuard guard;

    @Override
    public String type() {
        return "webpush";
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of(PUBLIC_KEY, PRIVATE_KEY);
    }

    @Override
    public Map<String, String> generatedCredentials(Map<String, String> credentials) {
        if (credentials.containsKey(PUBLIC_KEY) || credentials.containsKey(PRIVATE_KEY)) {
            return Map.of();
        }
        VapidKeys keys = VapidKeys.generate();
        return Map.of(PUBLIC_KEY, keys.getX509PublicKey(), PRIVATE_KEY, keys.getPkcs8PrivateKey());
    }

    @Override
    public Map<String, Object> derivedSettings(Map<String, String> credentials) {
        byte[] key = keys(credentials).getApplicationServerKey();
        return Map.of(WebPushSettings.APPLICATION_SERVER_KEY, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }

    @Override
    public List<ApiException.FieldError> check(Document settings, Map<String, String> credentials) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        WebPushSettings.from(settings, errors);
        if (credentials.containsKey(PUBLIC_KEY) != credentials.containsKey(PRIVATE_KEY)) {
            String missing = credentials.containsKey(PUBLIC_KEY) ? PRIVATE_KEY : PUBLIC_KEY;
            errors.add(new ApiException.FieldError("credentials." + missing, "is required with the other key of the pair"));
        } else {
            try {
                keys(credentials);
            } catch (RuntimeException e) {
                errors.add(new ApiException.FieldError("credentials." + PRIVATE_KEY,
                        "is not a P-256 key pair (base64 X.509 public key and PKCS#8 private key)"));
            }
        }
        return errors;
    }

    @Override
    public Channel open(String name, Document settings, Map<String, String> credentials) {
        WebPushSettings s = WebPushSettings.from(settings);
        return new WebPushChannel(name, s, new WebPush(s.subject(), keys(credentials)), http.http2(), http.client(),
                personalization, recipients, guard);
    }

    private static VapidKeys keys(Map<String, String> credentials) {
        return VapidKeys.create(credentials.get(PUBLIC_KEY), credentials.get(PRIVATE_KEY));
    }
}
