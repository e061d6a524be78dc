package dev.push.fatigue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The fatigue rule: a member who was pushed {@code max} messages of a capped category within a limit's rolling window
 * is not pushed another until the oldest of them leaves the window. A critical campaign is not held back by it, but
 * its pushes count like any other.
 */
public final class FrequencyCapped {
    /** The reason a member skipped under this rule is counted with. */
    public static final String REASON = "frequency cap";

    private FrequencyCapped() {
    }

    /** Whether the pushes recorded at {@code sent} leave room under every limit of the policy at {@code now}. */
    public static boolean allows(CapPolicy policy, List<Date> sent, Instant now) {
        for (CapPolicy.Limit limit : policy.limits()) {
            Instant from = now.minus(limit.window());
            int within = 0;
            for (Date at : sent) {
                if (at.toInstant().isAfter(from)) {
                    within++;
                }
            }
            if (within >= limit.max()) {
                return false;
            }
        }
        return true;
    }

    /** The instants still inside the policy's longest window at {@code now}, then {@code now}: what a new push records. */
    public static List<Date> withPushAt(CapPolicy policy, List<Date> sent, Instant now) {
        Instant from = now.minus(policy.longest());
        List<Date> out = new ArrayList<>(sent.size() + 1);
        for (Date at : sent) {
            if (at.toInstant().isAfter(from)) {
                out.add(at);
            }
        }
        out.add(Date.from(now));
        return out;
    }
}
