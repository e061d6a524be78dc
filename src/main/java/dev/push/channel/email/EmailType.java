package dev.push.channel.email;

import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.config.ChannelType;
import dev.push.channel.personalization.Personalization;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Email channels. A channel with a {@code host} gets its own pooled SMTP client (the Vert.x mail
 * client under Quarkus Mailer), because its server and password come from the database; one
 * without sends through the application's Quarkus mailer.
 */
@ApplicationScoped
public class EmailType implements ChannelType {
    static final String PASSWORD = "password";

    @Inject
    Vertx vertx;

    @Inject
    ReactiveMailer mailer;

    @Inject
    Personalization personalization;

    @Override
    public String type() {
        return "email";
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of(PASSWORD);
    }

    @Override
    public List<ApiException.FieldError> check(Document settings, Map<String, String> credentials) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        EmailSettings s = EmailSettings.from(settings, errors);
        if (errors.isEmpty()) {
            try {
                personalization.check(s.unsubscribeUrl(), s.unsubscribeMailto(), null);
            } catch (ApiException e) {
                errors.add(new ApiException.FieldError("settings.unsubscribeUrl", e.getMessage()));
            }
        }
        if (credentials.containsKey(PASSWORD) && s.username() == null) {
            errors.add(new ApiException.FieldError("settings.username", "is required with a password"));
        }
        return errors;
    }

    @Override
    public Channel open(String name, Document settings, Map<String, String> credentials) {
        EmailSettings s = EmailSettings.from(settings);
        MailClient client = null;
        if (s.host() != null) {
            MailConfig config = new MailConfig().setHostname(s.host()).setPort(s.port()).setSsl(s.ssl())
                    .setStarttls(StartTLSOptions.valueOf(s.startTls().toUpperCase())).setKeepAlive(true)
                    .setMaxPoolSize(s.concurrency());
            if (s.username() != null) {
                config.setUsername(s.username()).setPassword(credentials.get(PASSWORD)).setLogin(LoginOption.REQUIRED);
            } else {
                config.setLogin(LoginOption.DISABLED);
            }
            client = MailClient.create(vertx, config);
        }
        return new EmailChannel(name, s, client, mailer, personalization);
    }
}
