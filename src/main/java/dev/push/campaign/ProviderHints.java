package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.channel.Delivery;
import dev.push.task.Task;
import org.bson.Document;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A campaign's hints to the providers, stored as {@code hints: {collapseKey?, priority?}}: checked when it is created,
 * and with its expiry ({@link Expiry}) handed to each send as {@link Delivery.Hints}, so that a device offline past the
 * expiry is not shown a stale message.
 */
final class ProviderHints {
    /** APNs takes a collapse id of at most 64 bytes; FCM takes any string. */
    static final Pattern COLLAPSE_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private ProviderHints() {
    }

    static Document of(String collapseKey, String priority) {
        Document hints = new Document();
        if (collapseKey != null) {
            if (!COLLAPSE_KEY.matcher(collapseKey).matches()) {
                throw ApiException.badRequest("collapseKey", "must be 1 to 64 characters from [A-Za-z0-9_.:-]");
            }
            hints.append("collapseKey", collapseKey);
        }
        if (priority != null) {
            if (!Delivery.Hints.HIGH.equals(priority) && !Delivery.Hints.NORMAL.equals(priority)) {
                throw ApiException.badRequest("priority", "must be high or normal");
            }
            hints.append("priority", priority);
        }
        return hints.isEmpty() ? null : hints;
    }

    /** The hints of a send of {@code campaign} at {@code now}. */
    static Delivery.Hints at(Task campaign, Instant now) {
        Document h = campaign.hints;
        return Delivery.Hints.at(now, campaign.expiresAt == null ? null : campaign.expiresAt.toInstant(),
                h == null ? null : h.getString("collapseKey"), h == null ? null : h.getString("priority"));
    }
}
