package dev.push.fatigue;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * The same rule as {@link #allows} as conditions on a field holding the pushes newest first, added to {@code filter}:
     * a limit of {@code max} in a window leaves room when the {@code max}-th newest push is missing or not inside it.
     */
    static BsonDocument allowing(CapPolicy policy, String field, Instant now, BsonDocument filter) {
        for (CapPolicy.Limit limit : policy.limits()) {
            String path = field + "." + (limit.max() - 1);
            long from = now.minus(limit.window()).toEpochMilli();
            // Two limits of the same max: the longer window is the one that holds.
            BsonDocument earlier = filter.getDocument(path, null);
            if (earlier == null || earlier.getDocument("$not").getDateTime("$gt").getValue() > from) {
                filter.put(path, new BsonDocument("$not", new BsonDocument("$gt", new BsonDateTime(from))));
            }
        }
        return filter;
    }

    /**
     * The instants still inside the policy's longest window at {@code now}, and {@code now}, newest first: what a new push
     * records.
     */
    public static List<Date> withPushAt(CapPolicy policy, List<Date> sent, Instant now) {
        Instant from = now.minus(policy.longest());
        List<Date> out = new ArrayList<>(sent.size() + 1);
        for (Date at : sent) {
            if (at.toInstant().isAfter(from)) {
                out.add(at);
            }
        }
        out.add(Date.from(now));
        out.sort(Comparator.reverseOrder());
        return out;
    }
}
