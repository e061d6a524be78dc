package dev.push.channel;

import org.bson.Document;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One sub-batch of a campaign: its message and the recipients of this batch. A {@code test} delivery
 * is an operator's trial send: channels mark it and give it idempotency keys of its own, so that it
 * never stands in for the member's real delivery at the receiver. {@code category} is the consent category of the
 * message (null for none, as in a test): channels that can offer members a way out link it to unsubscribe.
 */
public record Delivery(long campaignId, String channel, Document message, List<Recipient> recipients, boolean test,
                       String category, Hints hints) {

    public Delivery(long campaignId, String channel, Document message, List<Recipient> recipients) {
        this(campaignId, channel, message, recipients, false, null, Hints.NONE);
    }

    public Delivery(long campaignId, String channel, Document message, List<Recipient> recipients, boolean test,
                    String category) {
        this(campaignId, channel, message, recipients, test, category, Hints.NONE);
    }

    /**
     * What a provider is told about keeping and showing the message: when it expires ({@code expiresAt}, null for
     * never, with {@code ttlSeconds} left at the send), a {@code collapseKey} under which a newer message replaces an
     * undelivered older one, and a {@code priority} ({@value #HIGH} or {@value #NORMAL}; null for the provider's default).
     */
    public record Hints(Instant expiresAt, long ttlSeconds, String collapseKey, String priority) {
        public static final String HIGH = "high";
        public static final String NORMAL = "normal";
        public static final Hints NONE = new Hints(null, -1, null, null);

        /** The hints of a send at {@code now} of a message expiring at {@code expiresAt} (null for never). */
        public static Hints at(Instant now, Instant expiresAt, String collapseKey, String priority) {
            long ttl = expiresAt == null ? -1 : Math.max(0, Duration.between(now, expiresAt).toSeconds());
            return new Hints(expiresAt, ttl, collapseKey, priority);
        }
    }

    /** Whether members of this delivery get an unsubscribe link of its category (a test's stand-ins do not). */
    public boolean unsubscribable() {
        return category != null && !test;
    }

    /** The key a receiver may de-duplicate on: {@code <campaign>:<member>}, or {@code <campaign>:test:<member>}. */
    public String idempotencyKey(String memberId) {
        return campaignId + (test ? ":test:" : ":") + memberId;
    }

    /**
     * A member to deliver to, with the address the channel needs (null if it needs none) and the
     * member's attributes when the channel personalizes (else empty). On a device channel a member with devices is one
     * recipient per device sent to, {@code device} naming it (null for a member's single address).
     */
    public record Recipient(String memberId, String address, Map<String, Object> attributes, String device) {
        public Recipient(String memberId, String address) {
            this(memberId, address, Map.of());
        }

        public Recipient(String memberId, String address, Map<String, Object> attributes) {
            this(memberId, address, attributes, null);
        }
    }
}
