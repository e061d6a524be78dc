package dev.push.channel.webhook;

import dev.push.api.ApiException;
import dev.push.channel.http.Backoff;
import org.bson.Document;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook channel's settings, all optional:
 * <ul>
 * <li>{@code endpoint}: one URL for every member (else each member's {@code webhook} address);</li>
 * <li>{@code mode}: {@code member} (one request per member, the default) or {@code batch} (one request
 * per sub-batch and URL, a JSON array);</li>
 * <li>{@code timeoutMs} (10000), {@code concurrency} requests in flight per sub-batch (32);</li>
 * <li>{@code attempts} (4), {@code backoffMs} (200), {@code maxBackoffMs} (10000),
 * {@code maxRetryAfterMs} (60000): a Retry-After beyond it ends the send as a retryable failure.</li>
 * </ul>
 */
public record WebhookSettings(String endpoint, boolean batch, long timeoutMs, int concurrency, Backoff backoff) {

    static WebhookSettings from(Document s, List<ApiException.FieldError> errors) {
        String endpoint = s.getString("endpoint");
        if (endpoint != null && !isHttpUrl(endpoint)) {
            errors.add(new ApiException.FieldError("settings.endpoint", "must be an http:// or https:// URL"));
        }
        Object mode = s.getOrDefault("mode", "member");
        if (!"member".equals(mode) && !"batch".equals(mode)) {
            errors.add(new ApiException.FieldError("settings.mode", "must be member or batch"));
        }
        long timeout = number(s, "timeoutMs", 10_000, 1, 300_000, errors);
        int concurrency = (int) number(s, "concurrency", 32, 1, 1024, errors);
        int attempts = (int) number(s, "attempts", 4, 1, 20, errors);
        long base = number(s, "backoffMs", 200, 1, 600_000, errors);
        long max = number(s, "maxBackoffMs", 10_000, 1, 3_600_000, errors);
        long maxRetryAfter = number(s, "maxRetryAfterMs", 60_000, 0, 3_600_000, errors);
        for (String key : s.keySet()) {
            if (!List.of("endpoint", "mode", "timeoutMs", "concurrency", "attempts", "backoffMs", "maxBackoffMs",
                    "maxRetryAfterMs").contains(key)) {
                errors.add(new ApiException.FieldError("settings." + key, "is not a webhook setting"));
            }
        }
        return new WebhookSettings(endpoint, "batch".equals(mode), timeout, concurrency,
                new Backoff(attempts, base, Math.max(base, max), maxRetryAfter));
    }

    static WebhookSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        WebhookSettings w = from(s == null ? new Document() : s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return w;
    }

    private static long number(Document s, String key, long dflt, long min, long max, List<ApiException.FieldError> errors) {
        Object v = s.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            errors.add(new ApiException.FieldError("settings." + key, "must be an integer from " + min + " to " + max));
            return dflt;
        }
        return ((Number) v).longValue();
    }

    static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
