package dev.push.engine;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import dev.push.storage.CoordinationConcern;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.RateMeter;
import dev.push.task.TaskShards;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.bson.Document;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The loop each instance runs about once a second. It heartbeats the instance and its workers,
 * starts local workers up to this instance's fair share of each running task, stops workers of
 * tasks that no longer run, turns a task with a dead worker into reboot and back, and declares a
 * task finished once every unit of its run is done (the counters are then final: they live in
 * the units and are written together with the done flag).
 */
public final class Master {
    private static final Logger LOG = Logger.getLogger(Master.class);

    public final String instanceId;
    private final String host;
    private final String version;
    private final long startedAt = System.currentTimeMillis();
    private final Tasks tasks;
    private final TaskShards shards;
    private final List<TaskKind> kinds;
    private final Executor blocking;
    private final long heartbeatTimeout;
    private final long leaseMillis;
    private final long idleMillis;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final RateMeter rates;
    private final EngineMetrics metrics;
    private final Runnable nudge;
    private volatile boolean draining;
    private volatile long lastTick;
    private boolean frozeBefore;
    private long lastTickTook;

    public Master(String instanceId, String host, String version, Tasks tasks, TaskShards shards, List<TaskKind> kinds,
                  Executor blocking, EngineConfig config, RateMeter rates, EngineMetrics metrics, Runnable nudge) {
        this.metrics = metrics;
        this.nudge = nudge;
        this.instanceId = instanceId;
        this.host = host;
        this.version = version;
        this.tasks = tasks;
        this.shards = shards;
        this.kinds = kinds;
        this.blocking = blocking;
        this.heartbeatTimeout = config.heartbeatTimeout().toMillis();
        this.leaseMillis = config.leaseTimeout().toMillis();
        this.idleMillis = Math.max(50, Math.min(1000, config.tick().toMillis() / 2));
        this.rates = rates;
    }

    MongoCollection<WorkerSlot> slots() {
        return CoordinationConcern.pin(WorkerSlot.<WorkerSlot>mongoCollection());
    }

    public void tick() {
        if (draining) {
            // A drained instance has deregistered: it must not heart-beat itself back.
            return;
        }
        long now = System.currentTimeMillis();
        // After a gap longer than the heartbeat timeout (the database or this process froze), every
        // heartbeat looks stale: judge nobody dead until everyone has had a tick to catch up.
        frozeBefore = lastTick > 0 && (now - lastTick > heartbeatTimeout || lastTickTook > heartbeatTimeout);
        heartbeatInstance(now);
        int liveInstances = Math.max(1, liveInstances(now).size());
        startScheduled(now);
        List<Task> running = tasks.running();
        Set<Long> runningIds = new HashSet<>();
        for (Task task : running) {
            runningIds.add(task.id);
            MDC.put("task", "task-" + task.id);
            try {
                superviseTask(task, liveInstances, now);
            } catch (RuntimeException e) {
                LOG.warnf(e, "master %s could not supervise task %d this tick", instanceId, task.id);
            } finally {
                MDC.remove("task");
            }
        }
        for (Worker w : workers.values()) {
            if (!runningIds.contains(w.taskId)) {
                w.requestStop();
            }
        }
        lastTick = System.currentTimeMillis();
        lastTickTook = lastTick - now;
    }

    /** Starts ready campaigns whose start time has come. */
    private void startScheduled(long now) {
        for (Task t : tasks.due(now)) {
            try {
                TaskKind kind = kinds.stream().filter(k -> k.handles(t)).findFirst().orElseThrow();
                tasks.command(t.kind, t.id, TaskState.Command.START, "schedule", kind::startCheck);
                LOG.infof("campaign %d started on schedule", t.id);
            } catch (RuntimeException e) {
                tasks.move(t, TaskState.READY, TaskState.FAILED, "schedule", "could not start at its start time: "
                        + e.getMessage(), null);
            }
        }
    }

    public long lastTick() {
        return lastTick;
    }

    public boolean draining() {
        return draining;
    }

    private void superviseTask(Task task, int liveInstances, long now) {
        List<Document> units = shards.all(task.id, task.run, task.units);
        Progress progress = TaskShards.sum(units);
        progress.total = task.progress == null ? 0 : task.progress.total;
        rates.sample(task.id, now, progress.processed);
        boolean allDone = units.size() == task.units && units.stream().allMatch(u -> u.getBoolean("done", false));
        if (allDone) {
            finish(task, progress);
            return;
        }
        List<Worker> local = localWorkers(task.id);
        Map<Integer, WorkerSlot> slotDocs = readSlots(task.id, Math.max(task.workers, maxSlot(local) + 1));
        Set<String> mine = new HashSet<>();
        local.forEach(w -> mine.add(w.id));
        int liveWorkers = 0;
        List<String> dead = new ArrayList<>();
        for (WorkerSlot s : slotDocs.values()) {
            if (s.slot >= task.workers) {
                continue;
            }
            // Our own workers are heart-beaten below, whatever their slot said a moment ago.
            if (mine.contains(s.owner) || now - s.heartbeat <= heartbeatTimeout || frozeBefore) {
                liveWorkers++;
            } else {
                dead.add(s.owner + " on " + s.instance);
            }
        }
        double share = task.qps <= 0 ? 0 : (double) task.qps / Math.max(1, Math.max(liveWorkers, 1));
        for (Worker w : local) {
            // A worker of an earlier run (the task was started again) makes way for a fresh one.
            boolean keep = w.slot < task.workers && !draining && w.task().run == task.run;
            WorkerSlot doc = slotDocs.get(w.slot);
            if (doc == null || !w.id.equals(doc.owner)) {
                keep = false;
            }
            if (!keep) {
                w.requestStop();
                continue;
            }
            w.update(task, share);
            heartbeatWorker(w, now);
        }
        TaskState state = task.taskState();
        if (!dead.isEmpty() && state == TaskState.STARTED) {
            Task moved = tasks.move(task, TaskState.STARTED, TaskState.REBOOT, "master " + instanceId,
                    "workers stopped heart-beating: " + String.join(", ", dead), null);
            if (moved != null) {
                LOG.warnf("task %d: reboot, %s", task.id, String.join(", ", dead));
                metrics.reboot();
                task = moved;
                state = TaskState.REBOOT;
            }
        }
        if (!draining) {
            int fairShare = (task.workers + liveInstances - 1) / liveInstances;
            List<Worker> active = local.stream().filter(w -> !w.stopRequested())
                    .sorted((x, y) -> Integer.compare(y.slot, x.slot)).toList();
            // Another instance joined: hand our surplus over (each stops at its next step and frees its slot).
            for (int i = 0; i < active.size() - fairShare; i++) {
                active.get(i).requestStop();
            }
            int running = Math.min(active.size(), fairShare);
            for (int slot = 0; slot < task.workers && running < fairShare; slot++) {
                WorkerSlot doc = slotDocs.get(slot);
                if (doc != null && (mine.contains(doc.owner) || now - doc.heartbeat <= heartbeatTimeout || frozeBefore)) {
                    continue;
                }
                if (claimAndStart(task, slot, doc, now, share)) {
                    running++;
                }
            }
        }
        if (state == TaskState.REBOOT && allSlotsLive(task, now)) {
            if (tasks.move(task, TaskState.REBOOT, TaskState.STARTED, "master " + instanceId,
                    "all " + task.workers + " workers are running again", null) != null) {
                LOG.infof("task %d: back to started", task.id);
            }
        }
    }

    private boolean allSlotsLive(Task task, long now) {
        Map<Integer, WorkerSlot> slots = readSlots(task.id, task.workers);
        for (int s = 0; s < task.workers; s++) {
            WorkerSlot doc = slots.get(s);
            if (doc == null || now - doc.heartbeat > heartbeatTimeout) {
                return false;
            }
        }
        return true;
    }

    private void finish(Task task, Progress progress) {
        TaskState from = task.taskState();
        if (progress.total == 0) {
            progress.total = progress.processed;
        }
        Task done = tasks.move(task, from, TaskState.FINISHED, "master " + instanceId, "all work done",
                Updates.combine(Updates.set("progress", progress.toDocument()), finishExtras(task)));
        if (done != null) {
            LOG.infof("task %d (%s '%s') finished: %d processed, %d sent, %d failed, %d skipped, %d unknown",
                    task.id, task.kind, task.name, progress.processed, progress.sent, progress.failed,
                    progress.skipped, progress.unknown);
        }
    }

    /** What a finished task keeps beyond its counters: an audience's chunk layout per shard. */
    private org.bson.conversions.Bson finishExtras(Task task) {
        if (!task.isAudience()) {
            return Updates.set("finishedRun", task.run);
        }
        List<Document> units = shards.all(task.id, task.run, task.units);
        List<Integer> layout = new ArrayList<>(task.shards);
        if (task.units == 1 && task.shards > 1) {
            @SuppressWarnings("unchecked")
            List<Integer> scanned = (List<Integer>) units.get(0).get("layout");
            layout.addAll(scanned);
        } else {
            for (Document u : units) {
                layout.add(u.getInteger("chunks", 0));
            }
        }
        return Updates.set("layout", layout);
    }

    private boolean claimAndStart(Task task, int slot, WorkerSlot seen, long now, double share) {
        Worker w = new Worker(instanceId, task, slot, shards, kinds, blocking, leaseMillis, idleMillis, metrics, nudge);
        WorkerSlot mine = new WorkerSlot();
        mine.id = WorkerSlot.key(task.id, slot);
        mine.task = task.id;
        mine.slot = slot;
        mine.owner = w.id;
        mine.instance = instanceId;
        mine.heartbeat = now;
        mine.startedAt = now;
        try {
            if (seen == null) {
                slots().insertOne(mine);
            } else {
                // Take over a dead worker's slot: compare-and-set on the heartbeat we saw.
                long replaced = slots().replaceOne(Filters.and(Filters.eq("_id", mine.id),
                        Filters.eq("owner", seen.owner), Filters.eq("heartbeat", seen.heartbeat)), mine,
                        new ReplaceOptions()).getModifiedCount();
                if (replaced == 0) {
                    return false;
                }
            }
        } catch (MongoWriteException e) {
            if (e.getError().getCode() == 11000) {
                return false;
            }
            throw e;
        }
        w.update(task, share);
        workers.put(w.id, w);
        w.start(() -> onWorkerExit(w));
        LOG.debugf("task %s: started worker %s in slot %s", String.valueOf(task.id), w.id, String.valueOf(slot));
        return true;
    }

    private void onWorkerExit(Worker w) {
        workers.remove(w.id);
        try {
            slots().deleteOne(Filters.and(Filters.eq("_id", WorkerSlot.key(w.taskId, w.slot)), Filters.eq("owner", w.id)));
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not free slot of worker %s", w.id);
        }
    }

    private void heartbeatWorker(Worker w, long now) {
        long n = slots().updateOne(Filters.and(Filters.eq("_id", WorkerSlot.key(w.taskId, w.slot)),
                Filters.eq("owner", w.id)), Updates.set("heartbeat", now)).getMatchedCount();
        if (n == 0) {
            // Someone presumed it dead and took its slot: it must stop.
            w.requestStop();
        }
    }

    private Map<Integer, WorkerSlot> readSlots(long task, int count) {
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            keys.add(WorkerSlot.key(task, s));
        }
        Map<Integer, WorkerSlot> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            for (WorkerSlot s : slots().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + 100))))) {
                out.put(s.slot, s);
            }
        }
        return out;
    }

    private List<Worker> localWorkers(long taskId) {
        List<Worker> out = new ArrayList<>();
        for (Worker w : workers.values()) {
            if (w.taskId == taskId) {
                out.add(w);
            }
        }
        return out;
    }

    private static int maxSlot(List<Worker> ws) {
        int m = -1;
        for (Worker w : ws) {
            m = Math.max(m, w.slot);
        }
        return m;
    }

    private void heartbeatInstance(long now) {
        ServiceInstance me = new ServiceInstance();
        me.id = instanceId;
        me.host = host;
        me.version = version;
        me.heartbeat = now;
        me.startedAt = startedAt;
        me.draining = draining;
        ServiceInstance.<ServiceInstance>mongoCollection().replaceOne(Filters.eq("_id", instanceId), me, new ReplaceOptions().upsert(true));
    }

    public List<ServiceInstance> liveInstances(long now) {
        List<ServiceInstance> live = new ArrayList<>();
        for (ServiceInstance i : ServiceInstance.<ServiceInstance>listAll()) {
            if (now - i.heartbeat <= heartbeatTimeout && !i.draining) {
                live.add(i);
            }
        }
        return live;
    }

    /** Workers running here now: id and task. */
    public List<Map.Entry<String, Long>> localWorkers() {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        workers.values().forEach(w -> out.add(Map.entry(w.id, w.taskId)));
        return out;
    }

    /**
     * Stops taking work: every local worker stops at its next step boundary and gives its unit
     * back; waits up to {@code waitMillis} for them, then deregisters the instance.
     */
    public void drain(long waitMillis) {
        draining = true;
        workers.values().forEach(Worker::requestStop);
        long until = System.currentTimeMillis() + waitMillis;
        while (!workers.isEmpty() && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ServiceInstance.<ServiceInstance>mongoCollection().deleteOne(Filters.eq("_id", instanceId));
    }
}
