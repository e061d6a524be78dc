package dev.push.channel.webhook;

import dev.push.api.ApiException;
import dev.push.channel.http.Backoff;
import dev.push.channel.config.SettingsReader;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
        SettingsReader r = new SettingsReader(s, errors);
        r.onlyKnown(Set.of("endpoint", "mode", "timeoutMs", "concurrency", "attempts", "backoffMs", "maxBackoffMs",
                "maxRetryAfterMs", "retryBudgetMs"));
        String endpoint = r.url("endpoint", null);
        String mode = r.string("mode", "member");
        if (!"member".equals(mode) && !"batch".equals(mode)) {
            errors.add(new ApiException.FieldError("settings.mode", "must be member or batch"));
        }
        long timeout = r.number("timeoutMs", 10_000, 1, 300_000);
        int concurrency = (int) r.number("concurrency", 32, 1, 1024);
        int attempts = (int) r.number("attempts", 4, 1, 20);
        long base = r.number("backoffMs", 200, 1, 600_000);
        long max = r.number("maxBackoffMs", 10_000, 1, 3_600_000);
        long maxRetryAfter = r.number("maxRetryAfterMs", 60_000, 0, 3_600_000);
        return new WebhookSettings(endpoint, "batch".equals(mode), timeout, concurrency,
                new Backoff(attempts, base, Math.max(base, max), maxRetryAfter,
                        r.number("retryBudgetMs", Backoff.DEFAULT_BUDGET_MS, 0, 600_000)));
    }

    static WebhookSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        WebhookSettings w = from(s == null ? new Document() : s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return w;
    }
}
