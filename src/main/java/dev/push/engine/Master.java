package dev.push.engine;

import com.mongodb.client.model.Filters;
import dev.push.task.RateMeter;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * The loop each instance runs about once a second: a list of named steps, each the one place of
 * the rule it enforces. Task steps run for every task in which workers run. {@code nudge} ticks it
 * now; {@code alarm} ticks it at a monotonic instant ({@link TimeoutAlarm}).
 */
public final class Master {
    private static final Logger LOG = Logger.getLogger(Master.class);
    public final String instanceId;
    private final Clock clock;
    private final Liveness liveness;
    private final LocalWorkers workers;
    private final FreezeDetection freezeDetection;
    private final InstanceHeartbeats instanceHeartbeats;
    private final List<TickStep> steps;
    private volatile boolean ticked;
    private volatile boolean deregistered;

    public Master(String instanceId, String host, String version, Tasks tasks, TaskUnits shards, List<TaskKind> kindList,
                  Executor blocking, EngineConfig config, RateMeter rates, EngineMetrics metrics, Clock clock,
                  DatabaseStalls stalls, Runnable nudge, LongConsumer alarm) {
        this(instanceId, host, version, tasks, shards, kindList, blocking, config, rates, metrics, clock, stalls, nudge,
                alarm, List.of());
    }

    /** A master that also runs other features' {@link ClockedStep}s, after the scheduled starts. */
    public Master(String instanceId, String host, String version, Tasks tasks, TaskUnits shards, List<TaskKind> kindList,
                  Executor blocking, EngineConfig config, RateMeter rates, EngineMetrics metrics, Clock clock,
                  DatabaseStalls stalls, Runnable nudge, LongConsumer alarm, List<ClockedStep> clocked) {
        this.instanceId = instanceId;
        this.clock = clock;
        long heartbeatTimeout = config.heartbeatTimeout().toMillis();
        long leaseMillis = config.leaseTimeout().toMillis();
        long idleMillis = Math.max(50, Math.min(1000, config.tick().toMillis() / 2));
        TaskKinds kinds = new TaskKinds(kindList);
        WorkerSlots slots = new WorkerSlots();
        this.liveness = new Liveness(heartbeatTimeout, leaseMillis, stalls);
        this.workers = new LocalWorkers(instanceId, shards, kinds, blocking, leaseMillis, idleMillis, metrics,
                liveness, slots, nudge);
        this.freezeDetection = new FreezeDetection(liveness, heartbeatTimeout);
        this.instanceHeartbeats = new InstanceHeartbeats(instanceId, host, version, clock.millis(), workers, liveness);
        this.steps = List.of(
                freezeDetection,
                instanceHeartbeats,
                new PromptTakeOver(liveness, workers::wakeIdle),
                new TimeoutAlarm(liveness, instanceId, alarm),
                new ScheduledStarts(tasks, kinds),
                tick -> clocked.forEach(step -> step.run(instanceId, tick.wall)),
                new RunningTasks(tasks, List.of(
                        new RunCompletion(instanceId, tasks, shards, kinds, rates, liveness),
                        new WorkerHeartbeats(workers, slots, liveness),
                        new DeadWorkerReboot(instanceId, tasks, metrics),
                        new FairShare(workers, liveness),
                        new RebootRecovery(instanceId, tasks, slots, liveness))),
                new OrphanWorkers(workers));
    }

    public void tick() {
        if (deregistered) {
            // It must not heart-beat itself back.
            return;
        }
        Tick tick = new Tick(clock.millis(), Tick.monotonicMillis());
        try {
            for (TickStep step : steps) {
                step.run(tick);
            }
            ticked = true;
        } finally {
            freezeDetection.ended(Tick.monotonicMillis());
        }
    }

    /** Whether a tick has completed (the instance registered itself). */
    public boolean ticked() {
        return ticked;
    }

    public boolean draining() {
        return workers.draining();
    }

    /** Instances heart-beating and not draining, as this instance judges them. */
    public List<ServiceInstance> liveInstances() {
        return instanceHeartbeats.live(ServiceInstance.<ServiceInstance>listAll());
    }

    /** Live instances counted at the last tick (at least this one). */
    public int liveInstanceCount() {
        return instanceHeartbeats.lastLiveCount();
    }

    /** Whether this instance judges the instance live (its heartbeat keeps changing). */
    public boolean live(ServiceInstance i) {
        return i.id.equals(instanceId) || liveness.instanceLive(i);
    }

    /** How long this instance has seen the instance's heartbeat unchanged, in ms. */
    public long silence(ServiceInstance i) {
        return liveness.instanceSilence(i.id);
    }

    boolean live(WorkerSlot s) {
        return liveness.slotLive(s);
    }

    long silence(WorkerSlot s) {
        return liveness.slotSilence(s);
    }

    /** Workers running here now: id and task. */
    public List<Map.Entry<String, Long>> localWorkers() {
        return workers.all().stream().map(w -> Map.entry(w.id, w.taskId)).collect(Collectors.toList());
    }

    /**
     * Stops taking work: every local worker stops at its next step boundary and gives its unit
     * back; waits up to {@code waitMillis} for them, then deregisters the instance.
     */
    public void drain(long waitMillis) {
        workers.drain();
        long until = Tick.monotonicMillis() + waitMillis;
        while (!workers.all().isEmpty() && Tick.monotonicMillis() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = workers.all().size();
        if (left > 0) {
            LOG.warnf("drained for %d ms; %d workers still running, stopping anyway", waitMillis, left);
        }
        deregistered = true;
        ServiceInstance.<ServiceInstance>mongoCollection().deleteOne(Filters.eq("_id", instanceId));
        LOG.infof("instance %s deregistered", instanceId);
    }
}
