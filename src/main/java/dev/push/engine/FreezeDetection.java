package dev.push.engine;

/**
 * After a gap between ticks longer than the heartbeat timeout, or a tick that took that long (the
 * database or this process froze), nobody could write: every silence seen so far is the freeze's,
 * so this instance forgets its observations and judges nobody dead, and no lease void, until it
 * has watched afresh. Otherwise it drops observations no longer made (finished runs, freed slots).
 */
final class FreezeDetection implements TickStep {
    private final Liveness liveness;
    private final long heartbeatTimeout;
    private boolean ticked;
    private long lastStart;
    private long lastEnd;

    FreezeDetection(Liveness liveness, long heartbeatTimeout) {
        this.liveness = liveness;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    @Override
    public void run(Tick tick) {
        boolean froze = ticked && (tick.mono - lastEnd > heartbeatTimeout || lastEnd - lastStart > heartbeatTimeout);
        if (froze) {
            liveness.forgetAll();
        } else {
            liveness.prune(tick.mono);
        }
        ticked = true;
        lastStart = tick.mono;
    }

    /** Called when a tick ends, however it ended. */
    void ended(long mono) {
        lastEnd = mono;
    }
}
