package dev.push.task;

import java.util.List;

/**
 * The workers that hold a task's slots now, with how long this instance has seen each silent and
 * whether it judges it live. The engine answers: liveness is judged in one place.
 */
public interface RunningWorkers {
    List<TaskView.LiveWorker> of(Task task);
}
