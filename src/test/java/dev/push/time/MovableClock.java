package dev.push.time;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The injected clock of the tests: the system clock, moved forward when a test says so (hours pass without
 * sleeping). Unmoved it reads as the system clock, so tests that do not move it see the production clock.
 */
@Alternative
@Priority(1)
@Singleton
public class MovableClock extends Clock {
    private volatile Duration shift = Duration.ZERO;

    /** Moves the clock forward by {@code by}. */
    public void advance(Duration by) {
        shift = shift.plus(by);
    }

    /** Back to the system clock. */
    public void reset() {
        shift = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service reads UTC instants");
    }
}
