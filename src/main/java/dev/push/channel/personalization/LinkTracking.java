package dev.push.channel.personalization;

/**
 * Stands a tracked link in for a member's personalized link, when the campaign's message has {@code tracking} on.
 * Implemented by the tracking feature ({@code dev.push.tracking}), which also answers the tracked link.
 */
public interface LinkTracking {
    /** The link a member receives in place of their personalized link in a campaign, for one message variant. */
    String link(long campaignId, String memberId, int variant);

    /** The one-click unsubscribe link that opts a member out of a message category. */
    String unsubscribeLink(String category, String memberId);
}
