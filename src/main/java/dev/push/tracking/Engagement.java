package dev.push.tracking;

import java.util.List;

/**
 * One thing a member did after a campaign's send: its message was {@code delivered} to the device, {@code opened},
 * its link {@code clicked}, or the member {@code converted} (with an optional value). Only the first of each type per
 * member and campaign counts.
 */
public record Engagement(long campaign, String member, String type, long at, Double value, int variant) {
    public static final String DELIVERED = "delivered";
    public static final String OPENED = "opened";
    public static final String CLICKED = "clicked";
    public static final String CONVERTED = "converted";
    /** In funnel order. */
    public static final List<String> TYPES = List.of(DELIVERED, OPENED, CLICKED, CONVERTED);
    /** What an app back end may report; clicks are recorded by the redirect only. */
    public static final List<String> REPORTED = List.of(DELIVERED, OPENED, CONVERTED);

    /** The key of the first event of a type per member and campaign: {@code campaign|type|member}. */
    public static String key(long campaign, String type, String member) {
        return campaign + "|" + type + "|" + member;
    }

    String key() {
        return key(campaign, type, member);
    }
}
