package dev.push.engine;

import dev.push.task.Task;

import java.util.List;

/**
 * This instance runs at most {@code ceil(workers / live instances)} of a task's workers: it
 * hands its surplus over when another instance joined (each stops at its next step and frees its
 * slot), and claims free slots and dead workers' slots up to its share.
 */
final class FairShare implements TaskStep {
    private final LocalWorkers workers;
    private final Liveness liveness;

    FairShare(LocalWorkers workers, Liveness liveness) {
        this.workers = workers;
        this.liveness = liveness;
    }

    @Override
    public boolean run(TaskTick t) {
        if (workers.draining()) {
            return true;
        }
        Task task = t.task;
        int fairShare = (task.workers + t.tick.liveInstances - 1) / t.tick.liveInstances;
        List<Worker> active = t.local.stream().filter(w -> !w.stopRequested())
                .sorted((x, y) -> Integer.compare(y.slot, x.slot)).toList();
        for (int i = 0; i < active.size() - fairShare; i++) {
            active.get(i).requestStop();
        }
        int running = Math.min(active.size(), fairShare);
        for (int slot = 0; slot < task.workers && running < fairShare; slot++) {
            WorkerSlot doc = t.slots.get(slot);
            if (t.held(doc, liveness)) {
                continue;
            }
            if (workers.claimAndStart(task, slot, doc, t.tick.wall, t.share)) {
                running++;
            }
        }
        return true;
    }
}
