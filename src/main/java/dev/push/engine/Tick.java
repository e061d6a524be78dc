package dev.push.engine;

import java.util.HashSet;
import java.util.Set;

/** One tick of the master: its times, and what its steps learn for the steps after them. */
final class Tick {
    /** This instance's wall clock (the value heartbeats are written with; nobody else compares it). */
    final long wall;
    /** This instance's monotonic clock in ms, which times every judgement. */
    final long mono;
    /** Live instances (this one included), known after {@link InstanceHeartbeats}. */
    int liveInstances = 1;
    /** Tasks that run now, known after {@link RunningTasks}. */
    final Set<Long> running = new HashSet<>();

    Tick(long wall, long mono) {
        this.wall = wall;
        this.mono = mono;
    }

    static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
