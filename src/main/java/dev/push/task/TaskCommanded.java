package dev.push.task;

/** A task accepted an operator's (or the schedule's) command; the engine acts on it at once. */
public record TaskCommanded(long taskId, TaskState.Command command) {
}
