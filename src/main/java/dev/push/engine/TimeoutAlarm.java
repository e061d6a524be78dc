package dev.push.engine;

import java.util.function.LongConsumer;

/**
 * The master does not wait for its next scheduled tick to find a silent instance dead: each tick
 * knows, on this instance's own clock, the instant a watched instance's silence will reach the
 * heartbeat timeout ({@link Liveness#nextDeath}), and sets the alarm to tick again right then. So a
 * death is established at the timeout, not up to a tick later, without ticking more often; the
 * judgement at that tick is the usual one (a heartbeat that changed meanwhile, or time this
 * instance spent waiting for the database, only moves the alarm on).
 */
final class TimeoutAlarm implements TickStep {
    private final Liveness liveness;
    private final String instanceId;
    /** Ticks the master at the given monotonic ms, replacing the alarm set before; none for {@link Long#MAX_VALUE}. */
    private final LongConsumer alarm;

    TimeoutAlarm(Liveness liveness, String instanceId, LongConsumer alarm) {
        this.liveness = liveness;
        this.instanceId = instanceId;
        this.alarm = alarm;
    }

    @Override
    public void run(Tick tick) {
        alarm.accept(liveness.nextDeath(instanceId));
    }
}
