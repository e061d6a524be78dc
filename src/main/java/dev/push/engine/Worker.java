package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskUnits;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.bson.Document;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One worker of a task: a Mutiny loop that leases a unit, works it step by step, and leases
 * the next, until there is no work left or it is told to stop. It never holds a thread while
 * it waits (rate limit, idle); the blocking database steps run on the worker pool.
 */
final class Worker implements WorkerContext {
    private static final Logger LOG = Logger.getLogger(Worker.class);

    final String id;
    final long taskId;
    final int slot;
    private final TaskUnits shards;
    private final TaskKinds kinds;
    private final Predicate<Document> leaseVoid;
    private final Executor blocking;
    private final long leaseMillis;
    private final long idleMillis;
    private final RateLimit rate = new RateLimit();
    private final EngineMetrics metrics;
    private final Runnable workRanOut;
    private boolean completedSinceIdle;
    private volatile Task task;
    private volatile boolean stopRequested;
    private volatile boolean finished;
    private UnitWork current;
    private int preferredUnit;

    Worker(String instanceId, Task task, int slot, TaskUnits shards, TaskKinds kinds, Executor blocking,
           long leaseMillis, long idleMillis, EngineMetrics metrics, Predicate<Document> leaseVoid, Runnable workRanOut) {
        this.leaseVoid = leaseVoid;
        this.metrics = metrics;
        this.workRanOut = workRanOut;
        this.id = instanceId + "/" + task.id + "-" + slot + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.taskId = task.id;
        this.slot = slot;
        this.task = task;
        this.shards = shards;
        this.kinds = kinds;
        // Every engine log line of this worker carries its task and worker id (MDC), in text and JSON logs.
        // (The worker id names its task: instance/task-slot-nonce.)
        String worker = this.id;
        this.blocking = command -> blocking.execute(() -> {
            MDC.put("worker", worker);
            try {
                command.run();
            } finally {
                MDC.remove("worker");
            }
        });
        this.leaseMillis = leaseMillis;
        this.idleMillis = idleMillis;
        this.preferredUnit = task.units == 0 ? 0 : (int) ((long) slot * task.units / Math.max(1, task.workers));
    }

    /** The instance a worker id names ({@code instance/task-slot-nonce}). */
    static String instanceOf(String workerId) {
        int slash = workerId.lastIndexOf('/');
        return slash < 0 ? workerId : workerId.substring(0, slash);
    }

    void start(Runnable onExit) {
        Multi.createBy().repeating().uni(this::step).whilst(more -> more)
                .onFailure().invoke(e -> LOG.errorf(e, "worker %s of task %d failed", id, taskId))
                .onTermination().invoke(() -> {
                    releaseCurrent();
                    finished = true;
                    onExit.run();
                })
                .subscribe().with(x -> {
                }, e -> {
                });
    }

    /**
     * One step; a database error that says nothing was or could be decided (no server reachable,
     * a connection lost, a primary stepping down) is ridden out: the same step is tried again after
     * a backoff, as long as the worker is not told to stop. Whatever a failed step left half done,
     * its writes are fenced (owner = me, reserved = from), so a repeat can only find itself fenced off.
     */
    private Uni<Boolean> step() {
        return attempt().invoke(more -> failuresInARow = 0)
                .onFailure(DatabaseOutage::transientError).recoverWithUni(e -> {
                    int n = ++failuresInARow;
                    long backoff = DatabaseOutage.backoffMillis(n);
                    if (n == 1 || n % 10 == 0) {
                        LOG.warnf("worker %s: database unavailable (%s), attempt %d; trying again in %d ms", id,
                                e.getClass().getSimpleName(), n, backoff);
                    }
                    return Uni.createFrom().item(!stopRequested).onItem().delayIt().by(Duration.ofMillis(backoff));
                });
    }

    private int failuresInARow;

    private Uni<Boolean> attempt() {
        if (stopRequested) {
            return Uni.createFrom().item(false);
        }
        if (current == null) {
            return Uni.createFrom().item(this::leaseUnit).runSubscriptionOn(blocking).onItem().transformToUni(work -> {
                if (work == null) {
                    if (completedSinceIdle) {
                        // Perhaps that was the run's last unit: let the master see it now, not next tick.
                        completedSinceIdle = false;
                        workRanOut.run();
                    }
                    // Nothing free now: others hold the rest; wait, a lease may expire or the task finish.
                    return nap();
                }
                current = work;
                return Uni.createFrom().item(true);
            });
        }
        UnitWork work = current;
        return work.step().runSubscriptionOn(blocking).map(more -> {
            if (!more) {
                current = null;
                completedSinceIdle = true;
            }
            return true;
        });
    }

    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile CompletableFuture<Boolean> napping;

    /** The idle wait: {@code idleMillis}, cut short by {@link #wake}, even one that came while the worker looked. */
    private Uni<Boolean> nap() {
        CompletableFuture<Boolean> nap = new CompletableFuture<>();
        napping = nap;
        if (woken.getAndSet(false)) {
            nap.complete(true);
        }
        return Uni.combine().any().of(Uni.createFrom().item(true).onItem().delayIt().by(Duration.ofMillis(idleMillis)),
                Uni.createFrom().completionStage(nap));
    }

    /** Looks for a unit now if idle (a dead instance's units came free). */
    void wake() {
        woken.set(true);
        CompletableFuture<Boolean> nap = napping;
        if (nap != null && nap.complete(true)) {
            woken.set(false);
        }
    }

    /**
     * Leases the next free unit, as just read. Not from a list read before: a lease is a journaled
     * write, and one that finds its unit taken or done meanwhile still waits for a commit and sync,
     * which costs more than reading the units again (at the end of a run, a worker would otherwise
     * try every unit it once saw free, one sync each, before it lets the master finish the run).
     */
    private UnitWork leaseUnit() {
        Task t = task;
        Document unit = leaseFirstFree(shards.leasable(t.id, t.run, t.units, preferredUnit, leaseVoid));
        if (unit == null) {
            return null;
        }
        preferredUnit = TaskUnits.unitOf(unit) + 1;
        if (unit.get("previousOwner") != null) {
            metrics.leaseTakenOver(t.kind);
        }
        return kinds.of(t).open(this, t, unit);
    }

    private Document leaseFirstFree(List<Document> candidates) {
        Document unit = null;
        for (int i = 0; unit == null && i < candidates.size(); i++) {
            Document seen = candidates.get(i);
            unit = rideOut(() -> shards.lease(seen, id, leaseMillis), () -> mine(shards.one(seen.get("_id", Document.class))));
        }
        return unit;
    }

    /** The unit if this worker holds it, else null. */
    private Document mine(Document unit) {
        return unit != null && id.equals(unit.get("owner")) ? unit : null;
    }

    private void releaseCurrent() {
        UnitWork work = current;
        current = null;
        if (work != null) {
            try {
                work.release();
            } catch (RuntimeException e) {
                LOG.warnf(e, "worker %s could not release its unit; its lease will expire", id);
            }
        }
    }

    void update(Task latest, double qpsShare) {
        this.task = latest;
        rate.setRate(qpsShare);
    }

    void requestStop() {
        stopRequested = true;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public String workerId() {
        return id;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public long reserve(int n) {
        return rate.reserve(n);
    }

    @Override
    public int batchAllowance(int configured) {
        double r = rate.rate();
        if (r <= 0) {
            return configured;
        }
        // About one second of sends per sub-batch, so leases renew and stops are obeyed promptly.
        return (int) Math.max(1, Math.min(configured, Math.ceil(r)));
    }

    @Override
    public long leaseMillis() {
        return leaseMillis;
    }

    @Override
    public Executor blocking() {
        return blocking;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public <T> T rideOut(Supplier<T> write, Supplier<T> applied) {
        boolean checkFirst = false;
        for (int failures = 1; ; failures++) {
            try {
                T done = checkFirst ? applied.get() : null;
                if (done != null) {
                    return done;
                }
                return write.get();
            } catch (RuntimeException e) {
                if (!DatabaseOutage.transientError(e) || stopRequested) {
                    throw e;
                }
                long backoff = DatabaseOutage.backoffMillis(failures);
                if (failures == 1 || failures % 10 == 0) {
                    LOG.warnf("worker %s: database unavailable (%s), attempt %d; trying again in %d ms", id,
                            e.getClass().getSimpleName(), failures, backoff);
                }
                checkFirst = true;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
