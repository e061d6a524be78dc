package dev.push.engine;

import dev.push.task.Task;

/** What a unit's work may know of the worker running it. */
public interface WorkerContext {
    String workerId();

    /** The latest copy of the task the master has read (workers, qps, state). */
    Task task();

    /** Waits for the rate limiter before sending {@code n} messages: the delay in ms, 0 if none. */
    long reserve(int n);

    /** How many messages a sub-batch should hold at most at the current rate (≥ 1). */
    int batchAllowance(int configured);

    long leaseMillis();

    /** Where blocking database work runs; continue on it after an asynchronous send. */
    java.util.concurrent.Executor blocking();

    boolean stopRequested();

    /**
     * Runs a database write, riding out an outage: on an error that decides nothing (see
     * {@code DatabaseOutage}) it waits (100 ms, doubling, at most 5 s), asks {@code applied} whether
     * the write went through although its answer was lost (non-null: it did, and that is the
     * answer), else tries again — until it succeeds or the worker is told to stop.
     */
    <T> T rideOut(java.util.function.Supplier<T> write, java.util.function.Supplier<T> applied);
}
