package dev.push.engine;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a written value (a heartbeat, a lease) has been seen unchanged, timed with the judge's
 * own monotonic clock at each of its ticks. The writer's clock only has to make the value change,
 * so instances whose wall clocks disagree never declare each other dead. Only observations made
 * by this judge count: a freeze (see {@link FreezeDetection}) forgets them all, since nobody could
 * write while nobody could read.
 */
final class SilenceWatch {
    private record Seen(Object value, long since, long last) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** Records the value read for {@code key} at the judge's monotonic time {@code now} (ms). */
    void observe(String key, Object value, long now) {
        seen.compute(key, (k, before) -> before == null || !Objects.equals(before.value, value)
                ? new Seen(value, now, now) : new Seen(value, before.since, Math.max(before.last, now)));
    }

    /** How long the value was seen unchanged over this judge's observations, in ms; 0 if never seen. */
    long silentFor(String key) {
        Seen s = seen.get(key);
        return s == null ? 0 : s.last - s.since;
    }

    boolean seen(String key) {
        return seen.containsKey(key);
    }

    /** Values not observed since {@code before} are no longer of interest (finished runs, freed slots). */
    void forgetUnseenSince(long before) {
        seen.values().removeIf(s -> s.last < before);
    }

    void forgetAll() {
        seen.clear();
    }
}
