package dev.push.engine;

import dev.push.task.Task;

import java.util.List;

/** The task kinds this service knows, and which one handles a task. */
final class TaskKinds {
    private final List<TaskKind> all;

    TaskKinds(List<TaskKind> all) {
        this.all = List.copyOf(all);
    }

    TaskKind of(Task task) {
        for (TaskKind k : all) {
            if (k.handles(task)) {
                return k;
            }
        }
        throw new IllegalStateException("no task kind handles task " + task.id + " (" + task.kind + ")");
    }
}
