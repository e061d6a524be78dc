package dev.push.engine;

/**
 * A worker's share of its task's qps: tokens accrue at {@code rate} per second and a send of n
 * messages waits until n tokens have accrued. Rate 0 means unlimited.
 */
final class RateLimit {
    private double rate;
    private double nextFreeAt = System.nanoTime() / 1e9;

    synchronized void setRate(double perSecond) {
        this.rate = perSecond;
    }

    synchronized double rate() {
        return rate;
    }

    /** Reserves n tokens; answers how long to wait before using them, in ms. */
    synchronized long reserve(int n) {
        if (rate <= 0) {
            return 0;
        }
        double now = System.nanoTime() / 1e9;
        // Idle time earns no credit: at most one sub-batch goes out ahead of the rate.
        double start = Math.max(nextFreeAt, now);
        nextFreeAt = start + n / rate;
        double wait = start - now;
        return wait <= 0 ? 0 : (long) Math.ceil(wait * 1000);
    }
}
