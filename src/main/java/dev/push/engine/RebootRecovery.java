package dev.push.engine;

import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.jboss.logging.Logger;

import java.util.Map;

/** A task in reboot returns to started once every one of its worker slots is held by a live worker. */
final class RebootRecovery implements TaskStep {
    private static final Logger LOG = Logger.getLogger(RebootRecovery.class);
    private final String instanceId;
    private final Tasks tasks;
    private final WorkerSlots slots;
    private final Liveness liveness;

    RebootRecovery(String instanceId, Tasks tasks, WorkerSlots slots, Liveness liveness) {
        this.instanceId = instanceId;
        this.tasks = tasks;
        this.slots = slots;
        this.liveness = liveness;
    }

    @Override
    public boolean run(TaskTick t) {
        if (t.task.taskState() != TaskState.REBOOT || !allSlotsLive(t)) {
            return true;
        }
        if (tasks.move(t.task, TaskState.REBOOT, TaskState.STARTED, "master " + instanceId,
                "all " + t.task.workers + " workers are running again", null) != null) {
            LOG.infof("task %d: back to started", t.task.id);
        }
        return true;
    }

    private boolean allSlotsLive(TaskTick t) {
        long issued = Tick.monotonicMillis();
        Map<Integer, WorkerSlot> now = slots.read(t.task.id, t.task.workers);
        Reading read = Reading.since(issued);
        for (int s = 0; s < t.task.workers; s++) {
            WorkerSlot doc = now.get(s);
            if (doc == null) {
                return false;
            }
            liveness.observeSlot(doc, read);
            // Seen beating, not merely not yet silent: after this instance forgot what it saw
            // (a freeze), a dead worker's slot looks quiet for a while but never beats.
            if (!liveness.slotBeating(doc)) {
                return false;
            }
        }
        return true;
    }
}
