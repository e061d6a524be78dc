package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.Tasks;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.List;

/** Applies the task steps, in order, to every task in which workers run (started or reboot). */
final class RunningTasks implements TickStep {
    private static final Logger LOG = Logger.getLogger(RunningTasks.class);
    private final Tasks tasks;
    private final List<TaskStep> steps;

    RunningTasks(Tasks tasks, List<TaskStep> steps) {
        this.tasks = tasks;
        this.steps = List.copyOf(steps);
    }

    @Override
    public void run(Tick tick) {
        for (Task task : tasks.running()) {
            tick.running.add(task.id);
            MDC.put("task", "task-" + task.id);
            try {
                TaskTick t = new TaskTick(tick, task);
                for (TaskStep step : steps) {
                    if (!step.run(t)) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not supervise task %d this tick", task.id);
            } finally {
                MDC.remove("task");
            }
        }
    }
}
