package dev.push.engine;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a written value (a heartbeat, a lease) has been seen unchanged, timed with the judge's
 * own monotonic clock at each of its ticks. The writer's clock only has to make the value change,
 * so instances whose wall clocks disagree never declare each other dead. Only observations made
 * by this judge count, and not the time it spent waiting for the database ({@link DatabaseStalls}):
 * nobody could write then. A freeze of the judge itself (see {@link FreezeDetection}) forgets them all.
 */
final class SilenceWatch {
    /**
     * The value, the answer time of the first read that saw it, the issue time of the latest that
     * did, and whether this judge saw it replace another value (its writer seen writing).
     */
    private record Seen(Object value, long since, long last, boolean written) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final DatabaseStalls stalls;

    SilenceWatch(DatabaseStalls stalls) {
        this.stalls = stalls;
    }

    /** Records the value a read found for {@code key}. */
    void observe(String key, Object value, Reading read) {
        seen.compute(key, (k, before) -> before == null || !Objects.equals(before.value, value)
                ? new Seen(value, read.answered(), read.answered(), before != null)
                : new Seen(value, before.since, Math.max(before.last, read.issued()), before.written));
    }

    /** Whether this judge saw {@code value} replace another under {@code key}: its writer is at work. */
    boolean seenWritten(String key, Object value) {
        Seen s = seen.get(key);
        return s != null && s.written && Objects.equals(s.value, value);
    }

    /** How long the value was seen unchanged over this judge's observations, in ms; 0 if never seen. */
    long silentFor(String key) {
        Seen s = seen.get(key);
        return s == null ? 0 : silence(s);
    }

    /**
     * How long this judge has seen exactly {@code value} under {@code key}, in ms; 0 when the value
     * read now differs from the one watched: its writer has written since, so it is not silent.
     * (A unit free for minutes and leased a moment ago is not a lease silent for minutes.)
     */
    long silentFor(String key, Object value) {
        Seen s = seen.get(key);
        return s == null || !Objects.equals(s.value, value) ? 0 : silence(s);
    }

    /**
     * The instant (this judge's monotonic ms) at which the value now seen under {@code key} will
     * have been silent for {@code silence}, if it stays unchanged and this judge waits no more for the
     * database: a read issued then finds that silence. {@link Long#MAX_VALUE} when nothing is watched.
     */
    long silentAt(String key, long silence) {
        Seen s = seen.get(key);
        return s == null ? Long.MAX_VALUE : s.since + silence + stalls.within(s.since, Long.MAX_VALUE);
    }

    private long silence(Seen s) {
        return Math.max(0, s.last - s.since - stalls.within(s.since, s.last));
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
