package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.jboss.logging.Logger;

/** A started task with a dead worker turns to reboot, naming the workers that stopped heart-beating. */
final class DeadWorkerReboot implements TaskStep {
    private static final Logger LOG = Logger.getLogger(DeadWorkerReboot.class);
    private final String instanceId;
    private final Tasks tasks;
    private final EngineMetrics metrics;

    DeadWorkerReboot(String instanceId, Tasks tasks, EngineMetrics metrics) {
        this.instanceId = instanceId;
        this.tasks = tasks;
        this.metrics = metrics;
    }

    @Override
    public boolean run(TaskTick t) {
        if (t.dead.isEmpty() || t.task.taskState() != TaskState.STARTED) {
            return true;
        }
        String who = String.join(", ", t.dead);
        Task moved = tasks.move(t.task, TaskState.STARTED, TaskState.REBOOT, "master " + instanceId,
                "workers stopped heart-beating: " + who, null);
        if (moved != null) {
            LOG.warnf("task %d: reboot, %s", t.task.id, who);
            metrics.reboot();
            t.task = moved;
        }
        return true;
    }
}
