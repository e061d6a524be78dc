package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskUnits;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** The workers running on this instance: started in a claimed slot, which each frees when it ends. */
final class LocalWorkers {
    private static final Logger LOG = Logger.getLogger(LocalWorkers.class);
    private final String instanceId;
    private final TaskUnits shards;
    private final TaskKinds kinds;
    private final Executor blocking;
    private final long leaseMillis;
    private final long idleMillis;
    private final EngineMetrics metrics;
    private final Liveness liveness;
    private final WorkerSlots slots;
    private final Runnable nudge;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private volatile boolean draining;

    LocalWorkers(String instanceId, TaskUnits shards, TaskKinds kinds, Executor blocking, long leaseMillis,
                 long idleMillis, EngineMetrics metrics, Liveness liveness, WorkerSlots slots, Runnable nudge) {
        this.instanceId = instanceId;
        this.shards = shards;
        this.kinds = kinds;
        this.blocking = blocking;
        this.leaseMillis = leaseMillis;
        this.idleMillis = idleMillis;
        this.metrics = metrics;
        this.liveness = liveness;
        this.slots = slots;
        this.nudge = nudge;
    }

    /** Claims the slot (free, or a dead worker's as seen) and starts a worker in it; false if another got it. */
    boolean claimAndStart(Task task, int slot, WorkerSlot seen, long wall, double share) {
        Worker w = new Worker(instanceId, task, slot, shards, kinds, blocking, leaseMillis, idleMillis, metrics,
                liveness::leaseVoid, nudge);
        if (!slots.claim(w, instanceId, seen, wall)) {
            return false;
        }
        w.update(task, share);
        workers.put(w.id, w);
        w.start(() -> exited(w));
        LOG.debugf("task %s: started worker %s in slot %s", String.valueOf(task.id), w.id, String.valueOf(slot));
        return true;
    }

    private void exited(Worker w) {
        workers.remove(w.id);
        try {
            slots.free(w);
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not free slot of worker %s", w.id);
        }
    }

    List<Worker> of(long taskId) {
        List<Worker> out = new ArrayList<>();
        for (Worker w : workers.values()) {
            if (w.taskId == taskId) {
                out.add(w);
            }
        }
        return out;
    }

    Collection<Worker> all() {
        return workers.values();
    }

    /** Idle workers look for a unit now rather than after their nap: one may have come free. */
    void wakeIdle() {
        workers.values().forEach(Worker::wake);
    }

    boolean draining() {
        return draining;
    }

    /** Stops taking work: every worker stops at its next step boundary and gives its unit back. */
    void drain() {
        draining = true;
        workers.values().forEach(Worker::requestStop);
    }
}
