package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.jboss.logging.Logger;

/** Starts ready tasks whose start time has come; one that cannot start then fails, saying why. */
final class ScheduledStarts implements TickStep {
    private static final Logger LOG = Logger.getLogger(ScheduledStarts.class);
    private final Tasks tasks;
    private final TaskKinds kinds;

    ScheduledStarts(Tasks tasks, TaskKinds kinds) {
        this.tasks = tasks;
        this.kinds = kinds;
    }

    @Override
    public void run(Tick tick) {
        for (Task t : tasks.due(tick.wall)) {
            try {
                tasks.command(t.kind, t.id, TaskState.Command.START, "schedule", kinds.of(t)::startCheck);
                LOG.infof("%s %d started on schedule", t.kind, t.id);
            } catch (RuntimeException e) {
                tasks.move(t, TaskState.READY, TaskState.FAILED, "schedule", "could not start at its start time: "
                        + e.getMessage(), null);
            }
        }
    }
}
