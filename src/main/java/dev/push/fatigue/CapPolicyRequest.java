package dev.push.fatigue;

import java.util.List;

/**
 * A frequency cap as an admin gives it: the {@code category} it caps, the {@code channel} whose pushes it counts
 * (absent: the pushes of all channels), and 1 to 5 {@code limits}, each at most {@code max} pushes per rolling
 * {@code window} (ISO-8601, PT1M to P90D).
 */
public record CapPolicyRequest(String category, String channel, List<LimitRequest> limits) {
    public record LimitRequest(Integer max, String window) {
    }
}
