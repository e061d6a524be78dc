package dev.push.engine;

import java.util.Set;

/**
 * When a tick finds an instance newly dead, its units are free to take at once: this instance's
 * idle workers look for them now rather than after their nap (the workers {@link FairShare}
 * starts in the dead one's slots in the same tick look at once anyway).
 */
final class PromptTakeOver implements TickStep {
    private final Liveness liveness;
    private final Runnable wakeIdleWorkers;
    private Set<String> dead = Set.of();

    PromptTakeOver(Liveness liveness, Runnable wakeIdleWorkers) {
        this.liveness = liveness;
        this.wakeIdleWorkers = wakeIdleWorkers;
    }

    @Override
    public void run(Tick tick) {
        Set<String> now = liveness.deadInstances();
        if (!dead.containsAll(now)) {
            wakeIdleWorkers.run();
        }
        dead = now;
    }
}
