package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.task.Task;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * The expiry rule: a campaign with {@code expiresAt} (given, or set from its {@code ttl} when it first starts) sends
 * no member at or after that instant. Members not sent by then are counted {@code expired}, never sent late; a paused
 * campaign past it cannot be resumed, only stopped.
 */
public final class Expiry {
    /** The longest TTL: providers keep a message at most four weeks (FCM and APNs alike). */
    static final Duration MAX_TTL = Duration.ofDays(28);

    private Expiry() {
    }

    /** Whether {@code campaign} has expired at {@code now}. */
    public static boolean passed(Task campaign, Instant now) {
        return campaign.expiresAt != null && !now.isBefore(campaign.expiresAt.toInstant());
    }

    /** The checked {@code expiresAt} of a request: after {@code now} and after {@code startAt}, if any. */
    static Date expiresAt(OffsetDateTime expiresAt, OffsetDateTime startAt, Instant now) {
        if (expiresAt == null) {
            return null;
        }
        if (!expiresAt.toInstant().isAfter(now)) {
            throw ApiException.badRequest("expiresAt", "is in the past: a campaign must expire after now");
        }
        if (startAt != null && !expiresAt.isAfter(startAt)) {
            throw ApiException.badRequest("expiresAt", "must be after startAt");
        }
        return Date.from(expiresAt.toInstant());
    }

    /** The checked {@code ttl} of a request (ISO-8601, e.g. PT6H), as stored. */
    static String ttl(String ttl, OffsetDateTime expiresAt) {
        if (ttl == null) {
            return null;
        }
        if (expiresAt != null) {
            throw ApiException.badRequest("ttl", "give expiresAt or ttl, not both");
        }
        Duration d;
        try {
            d = Duration.parse(ttl);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("ttl", "must be an ISO-8601 duration such as PT6H");
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_TTL) > 0) {
            throw ApiException.badRequest("ttl", "must be between 1 second and 28 days");
        }
        return d.toString();
    }
}
