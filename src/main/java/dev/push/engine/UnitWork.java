package dev.push.engine;

import io.smallrye.mutiny.Uni;

/** The work of one leased unit (a shard of a task), done in small bounded steps. */
public interface UnitWork {
    /**
     * Does the next step (one sub-batch or chunk); answers false when the unit is complete or
     * its lease was lost, after which the worker leases another.
     */
    Uni<Boolean> step();

    /** Gives the unit back unfinished (pause, stop, shutdown), at a step boundary. */
    void release();
}
