package dev.push.engine;

/**
 * A rule of another feature that each instance's master runs at every tick, on the master's wall clock (recurring
 * campaigns' occurrences). It must be safe when every instance runs it at once: the database decides, not a lock.
 */
public interface ClockedStep {
    void run(String instanceId, long wallMillis);
}
