package dev.push.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The periods this instance spent waiting for the database to answer. While the database did not
 * answer us it answered nobody, so no writer can be blamed for not writing then: silence is counted
 * only outside these periods (a frozen or failing-over database is not every instance dying).
 */
final class DatabaseStalls {
    /** Shorter waits are ordinary round trips; they are not worth remembering. */
    static final long NOTABLE_MS = 100;

    private record Period(long from, long to) {
    }

    private final ConcurrentLinkedQueue<Period> periods = new ConcurrentLinkedQueue<>();

    void waited(Reading call) {
        if (call.answered() - call.issued() >= NOTABLE_MS) {
            periods.add(new Period(call.issued(), call.answered()));
        }
    }

    /** How many ms of {@code [from, to]} this instance spent waiting for the database. */
    long within(long from, long to) {
        List<Period> inside = new ArrayList<>();
        for (Period p : periods) {
            long a = Math.max(from, p.from);
            long b = Math.min(to, p.to);
            if (a < b) {
                inside.add(new Period(a, b));
            }
        }
        inside.sort(Comparator.comparingLong(Period::from));
        long total = 0;
        long reached = Long.MIN_VALUE;
        for (Period p : inside) {
            long start = Math.max(p.from, reached);
            if (p.to > start) {
                total += p.to - start;
                reached = p.to;
            }
        }
        return total;
    }

    void forgetBefore(long mono) {
        periods.removeIf(p -> p.to < mono);
    }
}
