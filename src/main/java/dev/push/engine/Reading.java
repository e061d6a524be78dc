package dev.push.engine;

/**
 * When a read was issued and when its answer came, on the judge's monotonic clock (ms). A value
 * read existed by the time the answer came, and was still unchanged when the read was issued: so
 * timing silence from answers to later issues never makes a writer look quieter than it was,
 * however slow the database or this instance is to answer.
 */
record Reading(long issued, long answered) {
    static Reading at(long mono) {
        return new Reading(mono, mono);
    }

    static Reading since(long issued) {
        return new Reading(issued, Tick.monotonicMillis());
    }
}
