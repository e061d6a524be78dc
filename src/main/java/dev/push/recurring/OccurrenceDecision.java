package dev.push.recurring;

import java.time.Duration;
import java.time.Instant;

/**
 * What happens to a recurring campaign's occurrence when a master finds it due: the latest instant that has come is
 * the one decided (earlier ones that nobody decided — every instance was down — count as {@code missed}). It runs
 * when decided within {@link #GRACE} of its instant; later than that it was missed, and runs once now or is skipped,
 * as the campaign's {@code missed} setting says. An occurrence the operator skipped is recorded as skipped.
 */
record OccurrenceDecision(Instant at, String outcome, int missed) {
    /** How late a master may decide an instant and still call it on time (masters tick every second). */
    static final Duration GRACE = Duration.ofMinutes(1);

    static final String RUN = "run";
    static final String SKIPPED = "skipped";
    static final String MISSED_RUN = "missed-run";
    static final String MISSED_SKIPPED = "missed-skipped";

    boolean runs() {
        return outcome.equals(RUN) || outcome.equals(MISSED_RUN);
    }

    /**
     * The decision for the instants from {@code next} to {@code now}; {@code following} is the first instant after
     * {@code now}, where the campaign's next occurrence moves.
     */
    static OccurrenceDecision decide(Schedule schedule, Instant next, Instant now, Instant skip, boolean runMissed) {
        Instant last = next;
        int count = 1;
        for (Instant at = schedule.after(next); at != null && !at.isAfter(now); at = schedule.after(at)) {
            last = at;
            count++;
        }
        boolean late = Duration.between(last, now).compareTo(GRACE) > 0;
        String outcome;
        if (last.equals(skip)) {
            outcome = SKIPPED;
        } else if (!late) {
            outcome = RUN;
        } else {
            outcome = runMissed ? MISSED_RUN : MISSED_SKIPPED;
        }
        return new OccurrenceDecision(last, outcome, count - 1 + (late ? 1 : 0));
    }
}
