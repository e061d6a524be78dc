package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskEndpoints;
import dev.push.task.TaskState;
import dev.push.task.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Locale;

/**
 * Start, pause, resume and stop, for audiences and campaigns alike; the audience and campaign
 * resources route {@code POST /{id}/{command}} here.
 */
@ApplicationScoped
public class TaskCommands {
    public static final String PATH = "{id}/{command: start|pause|resume|stop}";
    public static final String SUMMARY = "Start (from any state but started), pause (from started or reboot), "
            + "resume (from paused) or stop (from started, paused or reboot); 409 with the current state otherwise";

    @Inject
    TaskEndpoints endpoints;

    @Inject
    Instance<TaskKind> kinds;

    public TaskView run(String kind, long id, String command) {
        TaskState.Command c = TaskState.Command.valueOf(command.toUpperCase(Locale.ROOT));
        return endpoints.command(kind, id, c, dev.push.api.Actor.name(), t -> kindOf(t).startCheck(t));
    }

    private TaskKind kindOf(Task t) {
        for (TaskKind k : kinds) {
            if (k.handles(t)) {
                return k;
            }
        }
        throw new IllegalStateException("no task kind handles " + t.kind);
    }
}
