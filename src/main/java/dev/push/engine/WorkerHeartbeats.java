package dev.push.engine;

import dev.push.task.Task;

import java.util.HashSet;
import java.util.Set;

/**
 * Reads the task's worker slots, tells live workers from dead ones (see {@link Liveness}),
 * heart-beats this instance's workers and hands them the task's latest settings, and stops those
 * that must make way: a slot beyond the task's workers, a worker of an earlier run, one whose slot
 * another instance took, or any while this instance drains.
 */
final class WorkerHeartbeats implements TaskStep {
    private final LocalWorkers workers;
    private final WorkerSlots slots;
    private final Liveness liveness;

    WorkerHeartbeats(LocalWorkers workers, WorkerSlots slots, Liveness liveness) {
        this.workers = workers;
        this.slots = slots;
        this.liveness = liveness;
    }

    @Override
    public boolean run(TaskTick t) {
        Task task = t.task;
        t.local = workers.of(task.id);
        int maxSlot = t.local.stream().mapToInt(w -> w.slot).max().orElse(-1);
        long issued = Tick.monotonicMillis();
        t.slots = slots.read(task.id, Math.max(task.workers, maxSlot + 1));
        Reading read = Reading.since(issued);
        Set<String> mine = new HashSet<>();
        t.local.forEach(w -> mine.add(w.id));
        for (WorkerSlot s : t.slots.values()) {
            liveness.observeSlot(s, read);
            if (s.slot >= task.workers) {
                continue;
            }
            // Our own workers are heart-beaten below, whatever their slot said a moment ago.
            if (mine.contains(s.owner) || liveness.slotLive(s)) {
                t.liveWorkers++;
            } else {
                t.dead.add(s.owner + " on " + s.instance + " (" + liveness.why(s) + ")");
            }
        }
        t.share = task.qps <= 0 ? 0 : (double) task.qps / Math.max(1, t.liveWorkers);
        for (Worker w : t.local) {
            WorkerSlot doc = t.slots.get(w.slot);
            boolean ours = doc != null && w.id.equals(doc.owner);
            if (ours && w.slot < task.workers && !workers.draining() && w.task().run == task.run) {
                w.update(task, t.share);
            } else {
                w.requestStop();
            }
            // A worker told to stop beats on until it has given its unit back: it is finishing, not dead.
            if (ours && !slots.heartbeat(w, t.tick.wall)) {
                // Someone presumed it dead and took its slot: it must stop.
                w.requestStop();
            }
        }
        return true;
    }
}
