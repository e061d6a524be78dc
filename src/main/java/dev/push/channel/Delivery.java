package dev.push.channel;

import org.bson.Document;

import java.util.List;

/** One sub-batch of a campaign: its message and the recipients of this batch. */
public record Delivery(long campaignId, String channel, Document message, List<Recipient> recipients) {

    /** A member to deliver to, with the address the channel needs (null if it needs none). */
    public record Recipient(String memberId, String address) {
    }
}
