package dev.push.channel;

import org.bson.Document;

import java.util.List;
import java.util.Map;

/** One sub-batch of a campaign: its message and the recipients of this batch. */
public record Delivery(long campaignId, String channel, Document message, List<Recipient> recipients) {

    /**
     * A member to deliver to, with the address the channel needs (null if it needs none) and the
     * member's attributes when the channel personalizes (else empty).
     */
    public record Recipient(String memberId, String address, Map<String, Object> attributes) {
        public Recipient(String memberId, String address) {
            this(memberId, address, Map.of());
        }
    }
}
