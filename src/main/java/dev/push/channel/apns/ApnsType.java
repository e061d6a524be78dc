package dev.push.channel.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.Recipients;
import dev.push.channel.config.ChannelType;
import dev.push.channel.personalization.Personalization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Apple Push Notification service channels through Pushy: token auth ({@code signingKey}, the .p8
 * file's text, with settings {@code teamId} and {@code keyId}) or certificate auth
 * ({@code certificate}, a base64 PKCS#12 file, and {@code certificatePassword}).
 */
@ApplicationScoped
public class ApnsType implements ChannelType {
    static final String SIGNING_KEY = "signingKey";
    static final String CERTIFICATE = "certificate";
    static final String CERTIFICATE_PASSWORD = "certificatePassword";

    @Inject
    Personalization personalization;

    @Inject
    Recipients recipients;

    @Override
    public String type() {
        return "apns";
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of(SIGNING_KEY, CERTIFICATE, CERTIFICATE_PASSWORD);
    }

    @Override
    public List<ApiException.FieldError> check(Document settings, Map<String, String> credentials) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        ApnsSettings s = ApnsSettings.from(settings, errors);
        if (!errors.isEmpty()) {
            return errors;
        }
        boolean token = credentials.containsKey(SIGNING_KEY);
        boolean certificate = credentials.containsKey(CERTIFICATE);
        if (token == certificate) {
            errors.add(new ApiException.FieldError("credentials", "give either signingKey (token auth) or certificate (certificate auth)"));
            return errors;
        }
        if (token && (s.teamId() == null || s.keyId() == null)) {
            errors.add(new ApiException.FieldError("settings.teamId", "teamId and keyId are required with a signingKey"));
            return errors;
        }
        try {
            client(s, credentials).close();
        } catch (IllegalArgumentException e) {
            errors.add(new ApiException.FieldError(token ? "credentials.signingKey" : "credentials.certificate", e.getMessage()));
        }
        return errors;
    }

    @Override
    public Channel open(String name, Document settings, Map<String, String> credentials) {
        ApnsSettings s = ApnsSettings.from(settings);
        return new ApnsChannel(name, s, client(s, credentials), personalization, recipients);
    }

    private static ApnsClient client(ApnsSettings s, Map<String, String> credentials) {
        ApnsClientBuilder builder = new ApnsClientBuilder().setApnsServer(s.host(), s.port());
        try {
            if (credentials.containsKey(SIGNING_KEY)) {
                builder.setSigningKey(ApnsSigningKey.loadFromInputStream(new ByteArrayInputStream(
                        credentials.get(SIGNING_KEY).getBytes(StandardCharsets.UTF_8)), s.teamId(), s.keyId()));
            } else {
                builder.setClientCredentials(new ByteArrayInputStream(Base64.getMimeDecoder().decode(credentials.get(CERTIFICATE))),
                        credentials.getOrDefault(CERTIFICATE_PASSWORD, ""));
            }
        } catch (Exception e) {
            // The cause may quote the key material: name only its kind.
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            if (s.trustedCertificate() != null) {
                builder.setTrustedServerCertificateChain(new ByteArrayInputStream(s.trustedCertificate().getBytes(StandardCharsets.UTF_8)));
            }
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("APNs client cannot be built: " + e.getMessage());
        }
    }
}
