package dev.push.task;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The seven states of an audience or campaign task; the op API numbers them. */
public enum TaskState {
    READY(1), STARTED(2), STOPPED(3), FINISHED(4), FAILED(5), REBOOT(6), PAUSED(7);

    public final int opNumber;

    TaskState(int opNumber) {
        this.opNumber = opNumber;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** States in which workers run. */
    public boolean running() {
        return this == STARTED || this == REBOOT;
    }

    /** The operator commands and the states each may start from. */
    public enum Command {
        START(Set.of(READY, PAUSED, STOPPED, FINISHED, FAILED, REBOOT), STARTED),
        PAUSE(Set.of(STARTED, REBOOT), PAUSED),
        RESUME(Set.of(PAUSED), STARTED),
        STOP(Set.of(STARTED, PAUSED, REBOOT), STOPPED);

        public final Set<TaskState> from;
        public final TaskState to;

        Command(Set<TaskState> from, TaskState to) {
            this.from = from;
            this.to = to;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The commands a task in {@code state} accepts now (a disabled task does not start). */
        public static List<String> allowed(TaskState state, boolean disabled) {
            List<String> out = new ArrayList<>();
            for (Command c : values()) {
                if (c.from.contains(state) && !(disabled && c == START)) {
                    out.add(c.wire());
                }
            }
            return out;
        }
    }
}
