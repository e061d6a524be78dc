package dev.push.engine;

/** One rule the master enforces for each running task at every tick. */
interface TaskStep {
    /** Answers false when the task needs nothing more this tick (it finished). */
    boolean run(TaskTick t);
}
