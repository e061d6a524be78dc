package dev.push.channel.email;

import dev.push.api.ApiException;
import dev.push.channel.config.SettingsReader;
import dev.push.channel.http.Backoff;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An email channel's settings: {@code from} (required), {@code replyTo}; the SMTP server as
 * {@code host}, {@code port} (587), {@code startTls} ({@code optional}, {@code required},
 * {@code disabled}), {@code ssl} (false), {@code username} with a {@code password} credential, or no
 * {@code host} to send through the application's Quarkus mailer ({@code quarkus.mailer.*});
 * {@code unsubscribeUrl} and/or {@code unsubscribeMailto} for the List-Unsubscribe header (templates
 * over the member, like the message); {@code concurrency} (8), {@code attempts} (3),
 * {@code backoffMs} (1000), {@code maxBackoffMs} (30000).
 */
record EmailSettings(String from, String replyTo, String host, int port, String startTls, boolean ssl, String username,
                     String unsubscribeUrl, String unsubscribeMailto, int concurrency, Backoff backoff) {

    static EmailSettings from(Document s, List<ApiException.FieldError> errors) {
        SettingsReader r = new SettingsReader(s, errors);
        r.onlyKnown(Set.of("from", "replyTo", "host", "port", "startTls", "ssl", "username", "unsubscribeUrl",
                "unsubscribeMailto", "concurrency", "attempts", "backoffMs", "maxBackoffMs", "retryBudgetMs"));
        String from = r.string("from", null);
        if (from == null || from.indexOf('@') < 1) {
            errors.add(new ApiException.FieldError("settings.from", "is required: the sender address"));
        }
        String startTls = r.string("startTls", "optional");
        if (!Set.of("optional", "required", "disabled").contains(startTls)) {
            errors.add(new ApiException.FieldError("settings.startTls", "must be optional, required or disabled"));
        }
        Object ssl = s == null ? null : s.get("ssl");
        if (ssl != null && !(ssl instanceof Boolean)) {
            errors.add(new ApiException.FieldError("settings.ssl", "must be true or false"));
        }
        String unsubscribeUrl = r.string("unsubscribeUrl", null);
        String unsubscribeMailto = r.string("unsubscribeMailto", null);
        if (unsubscribeMailto != null && !unsubscribeMailto.startsWith("mailto:")) {
            errors.add(new ApiException.FieldError("settings.unsubscribeMailto", "must start with mailto:"));
        }
        long base = r.number("backoffMs", 1000, 1, 600_000);
        return new EmailSettings(from, r.string("replyTo", null), r.string("host", null), (int) r.number("port", 587, 1, 65535),
                startTls, Boolean.TRUE.equals(ssl), r.string("username", null), unsubscribeUrl, unsubscribeMailto,
                (int) r.number("concurrency", 8, 1, 256),
                new Backoff((int) r.number("attempts", 3, 1, 20), base, Math.max(base, r.number("maxBackoffMs", 30_000, 1, 3_600_000)), 0,
                        r.number("retryBudgetMs", Backoff.DEFAULT_BUDGET_MS, 0, 600_000)));
    }

    static EmailSettings from(Document s) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        EmailSettings e = from(s, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.get(0).field() + " " + errors.get(0).message());
        }
        return e;
    }
}
