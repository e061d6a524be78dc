package dev.push.fatigue;

import java.time.Duration;
import java.util.List;

/**
 * A frequency cap: at most {@code max} pushes of {@code category} per member in each rolling {@code window} of
 * {@code limits}, counted over the pushes of one channel ({@code channel}) or of all channels ({@code channel} null).
 */
public record CapPolicy(String category, String channel, List<Limit> limits) {
    /** The scope name of a policy over all channels. */
    public static final String ALL_CHANNELS = "*";

    public record Limit(int max, Duration window) {
    }

    /** The policy's key, and the scope of the cap state it counts in: {@code category:channel} or {@code category:*}. */
    public String id() {
        return id(category, channel);
    }

    static String id(String category, String channel) {
        return category + ":" + (channel == null ? ALL_CHANNELS : channel);
    }

    /** The longest window: instants older than it no longer count for anything. */
    public Duration longest() {
        Duration out = Duration.ZERO;
        for (Limit l : limits) {
            if (l.window().compareTo(out) > 0) {
                out = l.window();
            }
        }
        return out;
    }
}
