package dev.push.channel.fcm;

import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.Recipients;
import dev.push.channel.config.ChannelType;
import dev.push.channel.http.HttpClients;
import dev.push.channel.personalization.Personalization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Firebase Cloud Messaging (HTTP v1) channels: settings in {@link FcmSettings}, credential {@code serviceAccount} (the JSON key file). */
@ApplicationScoped
public class FcmType implements ChannelType {
    static final String SERVICE_ACCOUNT = "serviceAccount";

    @Inject
    HttpClients http;

    @Inject
    Personalization personalization;

    @Inject
    Recipients recipients;

    @Override
    public String type() {
        return "fcm";
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of(SERVICE_ACCOUNT);
    }

    @Override
    public List<ApiException.FieldError> check(Document settings, Map<String, String> credentials) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        FcmSettings s = FcmSettings.from(settings, errors);
        String json = credentials.get(SERVICE_ACCOUNT);
        if (json == null) {
            errors.add(new ApiException.FieldError("credentials.serviceAccount", "is required"));
            return errors;
        }
        try {
            ServiceAccount account = ServiceAccount.parse(json);
            if (s.projectId() == null && account.projectId() == null) {
                errors.add(new ApiException.FieldError("settings.projectId", "is required when the service account names no project_id"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(new ApiException.FieldError("credentials.serviceAccount", e.getMessage()));
        }
        return errors;
    }

    @Override
    public Channel open(String name, Document settings, Map<String, String> credentials) {
        FcmSettings s = FcmSettings.from(settings);
        ServiceAccount account = ServiceAccount.parse(credentials.get(SERVICE_ACCOUNT));
        String tokenUri = s.tokenUri() != null ? s.tokenUri()
                : account.tokenUri() != null ? account.tokenUri() : FcmSettings.DEFAULT_TOKEN_URI;
        String project = s.projectId() != null ? s.projectId() : account.projectId();
        return new FcmChannel(name, s, project, new AccessTokens(account, tokenUri, http.client()),
                s.http2() ? http.http2() : http.client(),
                personalization, recipients);
    }
}
