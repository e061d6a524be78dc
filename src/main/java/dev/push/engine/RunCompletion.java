package dev.push.engine;

import com.mongodb.client.model.Updates;
import dev.push.task.Progress;
import dev.push.task.RateMeter;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.bson.Document;
import org.jboss.logging.Logger;

/**
 * A run is finished when every one of its units is done; the counters are final then (they live
 * in the units, written together with the done flag). The task's kind says what else a finished
 * task keeps. Reading the units also lets this instance watch their leases.
 */
final class RunCompletion implements TaskStep {
    private static final Logger LOG = Logger.getLogger(RunCompletion.class);
    private final String instanceId;
    private final Tasks tasks;
    private final TaskUnits shards;
    private final TaskKinds kinds;
    private final RateMeter rates;
    private final Liveness liveness;

    RunCompletion(String instanceId, Tasks tasks, TaskUnits shards, TaskKinds kinds, RateMeter rates, Liveness liveness) {
        this.instanceId = instanceId;
        this.tasks = tasks;
        this.shards = shards;
        this.kinds = kinds;
        this.rates = rates;
        this.liveness = liveness;
    }

    @Override
    public boolean run(TaskTick t) {
        Task task = t.task;
        long issued = Tick.monotonicMillis();
        t.units = shards.all(task.id, task.run, task.units);
        Reading read = Reading.since(issued);
        t.units.forEach(u -> liveness.observeUnit(u, read));
        Progress progress = TaskUnits.sum(t.units);
        progress.total = task.progress == null ? 0 : task.progress.total;
        // The meter is read with this process's own time by the API and metrics.
        rates.sample(task.id, System.currentTimeMillis(), progress.processed);
        boolean allDone = t.units.size() == task.units && t.units.stream().allMatch(u -> u.getBoolean("done", false));
        if (!allDone) {
            return true;
        }
        if (progress.total == 0) {
            progress.total = progress.processed;
        }
        TaskKind.RunEnd end = kinds.of(task).end(task, t.units);
        Task done = tasks.move(task, task.taskState(), end.to(), "master " + instanceId, end.reason(),
                Updates.combine(Updates.set("progress", progress.toDocument()), end.extra()));
        if (done != null && end.to() != TaskState.FINISHED) {
            LOG.infof("task %d (%s '%s') %s: %s", task.id, task.kind, task.name, end.to().wire(), end.reason());
        } else if (done != null) {
            LOG.infof("task %d (%s '%s') finished: %d processed, %d sent, %d failed, %d skipped, %d unknown",
                    task.id, task.kind, task.name, progress.processed, progress.sent, progress.failed,
                    progress.skipped, progress.unknown);
        }
        return false;
    }
}
