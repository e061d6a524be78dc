package dev.push.channel.limits;

import java.util.function.LongSupplier;

/**
 * A token bucket for one channel on this instance: tokens accrue at the instance's share of the
 * channel's rate, and a sub-batch of n waits until n have accrued. Idle time earns at most one
 * second of burst.
 */
final class SendRate {
    private final LongSupplier nanos;
    private double nextFreeAt;

    SendRate(LongSupplier nanos) {
        this.nanos = nanos;
        this.nextFreeAt = nanos.getAsLong() / 1e9;
    }

    /** Reserves n tokens at {@code perSecond}; answers how long to wait before sending, in ms. */
    synchronized long reserve(int n, double perSecond) {
        double now = nanos.getAsLong() / 1e9;
        double start = Math.max(nextFreeAt, now - 1.0);
        nextFreeAt = start + n / perSecond;
        double wait = start - now;
        return wait <= 0 ? 0 : (long) Math.ceil(wait * 1000);
    }
}
