package dev.push.channel.apns;

import dev.push.api.ApiException;
import dev.push.channel.config.SettingsReader;
import dev.push.channel.http.Backoff;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An APNs channel's settings: {@code topic} (the app's bundle id, required); {@code environment}
 * {@code production} (default) or {@code development}, or {@code host} and {@code port} of another
 * server; {@code teamId} and {@code keyId} with a {@code signingKey} credential (token auth);
 * {@code trustedCertificate} (PEM) when the server's certificate is from a private CA;
 * {@code concurrency} (100), {@code attempts} (3), {@code backoffMs} (500), {@code maxBackoffMs} (10000).
 */
record ApnsSettings(String topic, String host, int port, String teamId, String keyId, String trustedCertificate,
                    int concurrency, Backoff backoff) {
    static final String PRODUCTION = "api.push.apple.com";
    static final String DEVELOPMENT = "api.sandbox.push.apple.com";

    static ApnsSettings from(Document s, List<ApiException.FieldError> errors) {
        SettingsReader r = new SettingsReader(s, errors);
        r.onlyKnown(Set.of("topic", "environment", "host", "port", "teamId", "keyId", "trustedCertificate",
                "concurrency", "attempts", "backoffMs", "maxBackoffMs", "retryBudgetMs"));
        String topic = r.string("topic", null);
        if (topic == null) {
            errors.add(new ApiException.FieldError("settings.topic", "is required (the app's bundle id)"));
        }
        String environment = r.string("environment", "production");
        if (!environment.equals("production") && !environment.equals("development")) {
            errors.add(new ApiException.FieldError("settings.environment", "must be production or development"));
        }
        String host = r.string("host", environment.equals("development") ? DEVELOPMENT : PRODUCTION);
        long base = r.number("backoffMs", 500, 1, 600_000);
        return new ApnsSettings(topic, host, (int) r.number("port", 443, 1, 65535), r.string("teamId", null),
                r.string("keyId", null), r.string("trustedCertificate", null), (int) r.number("concurrency", 100, 1, 2000),
                new Backoff((int) r.number("attempts", 3, 1, 20), base, Math.max(base, r.number("maxBackoffMs", 10_000, 1, 3_600_000)), 0,
                        r.number("retryBudgetMs", Backoff.DEFAULT_BUDGET_MS, 0, 600_000)));
    }

    static ApnsSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        ApnsSettings a = from(s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return a;
    }
}
