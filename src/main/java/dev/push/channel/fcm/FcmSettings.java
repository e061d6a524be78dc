package dev.push.channel.fcm;

import dev.push.api.ApiException;
import dev.push.channel.config.SettingsReader;
import dev.push.channel.http.Backoff;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An FCM channel's settings, all optional: {@code projectId} (else the service account's),
 * {@code endpoint} (https://fcm.googleapis.com), {@code tokenUri} (else the service account's), {@code protocol}
 * {@code http2} (the default: many sends multiplexed on a few connections) or {@code http1.1},
 * {@code concurrency} requests in flight per sub-batch (64), {@code timeoutMs} (10000),
 * {@code attempts} (4), {@code backoffMs} (500), {@code maxBackoffMs} (30000), {@code maxRetryAfterMs} (120000).
 */
record FcmSettings(String projectId, String endpoint, String tokenUri, boolean http2, int concurrency, long timeoutMs,
                   Backoff backoff) {
    static final String DEFAULT_ENDPOINT = "https://fcm.googleapis.com";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

    static FcmSettings from(Document s, List<ApiException.FieldError> errors) {
        SettingsReader r = new SettingsReader(s, errors);
        r.onlyKnown(Set.of("projectId", "endpoint", "tokenUri", "protocol", "concurrency", "timeoutMs", "attempts", "backoffMs",
                "maxBackoffMs", "maxRetryAfterMs", "retryBudgetMs"));
        long base = r.number("backoffMs", 500, 1, 600_000);
        String protocol = r.string("protocol", "http2");
        if (!protocol.equals("http2") && !protocol.equals("http1.1")) {
            errors.add(new ApiException.FieldError("settings.protocol", "must be http2 or http1.1"));
        }
        return new FcmSettings(r.string("projectId", null), r.url("endpoint", DEFAULT_ENDPOINT), r.url("tokenUri", null),
                !protocol.equals("http1.1"),
                (int) r.number("concurrency", 64, 1, 1024), r.number("timeoutMs", 10_000, 1, 300_000),
                new Backoff((int) r.number("attempts", 4, 1, 20), base, Math.max(base, r.number("maxBackoffMs", 30_000, 1, 3_600_000)),
                        r.number("maxRetryAfterMs", 120_000, 0, 3_600_000),
                        r.number("retryBudgetMs", Backoff.DEFAULT_BUDGET_MS, 0, 600_000)));
    }

    static FcmSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        FcmSettings f = from(s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return f;
    }
}
