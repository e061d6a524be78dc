package dev.push.op;

import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Start, pause, proceed and stop for constraints and projects. The state rules are the tasks'
 * own ({@link Tasks#command}); the checks here only put the usual refusals in op's words first.
 */
@ApplicationScoped
public class OpControl {

    @Inject
    Tasks tasks;

    /** The task of that op name ("constraint", "project"), or a refusal naming it. */
    public Task find(String opName, String kind, long id) {
        Task t = tasks.find(id);
        if (t == null || !kind.equals(t.kind)) {
            throw new OpRefusal(opName + " " + id + " does not exist");
        }
        return t;
    }

    public Map<String, Object> run(String opName, String kind, long id, TaskState.Command command,
                                   Tasks.StartCheck startCheck) {
        Task t = find(opName, kind, id);
        TaskState state = t.taskState();
        if (command == TaskState.Command.START && state.running()) {
            throw new OpRefusal("state is already started");
        }
        if (!command.from.contains(state)) {
            throw new OpRefusal("cannot " + opWord(command) + " " + opName + " " + id + ": its state is "
                    + describe(state) + " (allowed from " + command.from.stream().sorted(Comparator.comparingInt(s -> s.opNumber))
                    .map(OpControl::describe).collect(Collectors.joining(", ")) + ")");
        }
        if (command == TaskState.Command.START && t.disabled) {
            throw new OpRefusal(opName + " " + id + " is disabled");
        }
        tasks.command(kind, id, command, dev.push.api.Actor.name(), startCheck);
        return Map.of();
    }

    static String opWord(TaskState.Command command) {
        return command == TaskState.Command.RESUME ? "proceed" : command.wire();
    }

    static String describe(TaskState state) {
        return state.opNumber + " " + state.wire();
    }
}
