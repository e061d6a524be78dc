package dev.push.channel.webhook;

import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.config.ChannelType;
import dev.push.channel.http.DestinationGuard;
import dev.push.channel.http.HttpClients;
import dev.push.channel.personalization.Personalization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Webhook channels: settings in {@link WebhookSettings}, credential {@code secret} for the body signature. */
@ApplicationScoped
public class WebhookType implements ChannelType {
    static final String SECRET = "secret";

    @Inject
    HttpClients http;

    @Inject
    Personalization personalization;

    @Inject
    DestinationGuard guard;

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of(SECRET);
    }

    @Override
    public List<ApiException.FieldError> check(Document settings, Map<String, String> credentials) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        WebhookSettings checked = WebhookSettings.from(settings, errors);
        String refused = checked.endpoint() == null || !errors.isEmpty() ? null : guard.check(checked.endpoint());
        if (refused != null) {
            errors.add(new ApiException.FieldError("settings.endpoint", refused));
        }
        String secret = credentials.get(SECRET);
        if (secret != null && secret.length() < 16) {
            errors.add(new ApiException.FieldError("credentials.secret", "must be at least 16 characters"));
        }
        return errors;
    }

    @Override
    public Channel open(String name, Document settings, Map<String, String> credentials) {
        String secret = credentials.get(SECRET);
        return new WebhookChannel(name, WebhookSettings.from(settings), secret == null ? null : new Signature(secret),
                http.client(), personalization, guard);
    }
}
