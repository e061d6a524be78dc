package dev.push.channel.webpush;

import com.interaso.webpush.WebPush;
import dev.push.api.ApiException;
import dev.push.channel.config.SettingsReader;
import dev.push.channel.http.Backoff;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Web Push channel's settings: {@code subject} (required: {@code mailto:} or {@code https://}, the contact push
 * services see in the VAPID token), {@code ttlSeconds} how long a push service keeps a message for an offline browser
 * (86400), {@code urgency} {@code very-low} | {@code low} | {@code normal} | {@code high} (normal), {@code concurrency}
 * requests in flight per sub-batch (64), {@code timeoutMs} (10000), {@code attempts} (3), {@code backoffMs} (500),
 * {@code maxBackoffMs} (30000), {@code maxRetryAfterMs} (120000). {@code applicationServerKey} is not set but shown:
 * the channel's public key, which a site passes to {@code pushManager.subscribe}.
 */
record WebPushSettings(String subject, int ttlSeconds, WebPush.Urgency urgency, int concurrency, long timeoutMs,
                       Backoff backoff) {
    static final String APPLICATION_SERVER_KEY = "applicationServerKey";

    static WebPushSettings from(Document s, List<ApiException.FieldError> errors) {
        SettingsReader r = new SettingsReader(s, errors);
        r.onlyKnown(Set.of("subject", "ttlSeconds", "urgency", "concurrency", "timeoutMs", "attempts", "backoffMs",
                "maxBackoffMs", "maxRetryAfterMs", "retryBudgetMs", APPLICATION_SERVER_KEY));
        String subject = r.string("subject", null);
        if (subject == null) {
            errors.add(new ApiException.FieldError("settings.subject", "is required: mailto:<address> or https://<site>"));
        } else if (!subject.startsWith("mailto:") && !subject.startsWith("https://")) {
            errors.add(new ApiException.FieldError("settings.subject", "must start with mailto: or https://"));
        }
        long base = r.number("backoffMs", 500, 1, 600_000);
        return new WebPushSettings(subject, (int) r.number("ttlSeconds", 86_400, 0, 2_419_200),
                urgency(r.string("urgency", "normal"), errors),
                (int) r.number("concurrency", 64, 1, 1024), r.number("timeoutMs", 10_000, 1, 300_000),
                new Backoff((int) r.number("attempts", 3, 1, 20), base, Math.max(base, r.number("maxBackoffMs", 30_000, 1, 3_600_000)),
                        r.number("maxRetryAfterMs", 120_000, 0, 3_600_000),
                        r.number("retryBudgetMs", Backoff.DEFAULT_BUDGET_MS, 0, 600_000)));
    }

    static WebPushSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        WebPushSettings w = from(s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return w;
    }

    private static WebPush.Urgency urgency(String value, List<ApiException.FieldError> errors) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "very-low" -> WebPush.Urgency.VeryLow;
            case "low" -> WebPush.Urgency.Low;
            case "normal" -> WebPush.Urgency.Normal;
            case "high" -> WebPush.Urgency.High;
            default -> {
                errors.add(new ApiException.FieldError("settings.urgency", "must be very-low, low, normal or high"));
                yield WebPush.Urgency.Normal;
            }
        };
    }
}
