package dev.push.engine;

import dev.push.task.RateMeter;
import dev.push.task.TaskCommanded;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs this instance's master: ticks it on schedule, when nudged and when its alarm rings, never two
 * ticks at once, and drains it at shutdown.
 */
@ApplicationScoped
public class MasterLoop {
    private static final Logger LOG = Logger.getLogger(MasterLoop.class);

    @Inject
    EngineConfig config;

    @Inject
    Tasks tasks;

    @Inject
    TaskUnits shards;

    @Inject
    Instance<TaskKind> kinds;

    @Inject
    RateMeter rates;

    @Inject
    EngineMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    DatabaseWaits waits;

    @Inject
    WorkerThreads workerThreads;

    @Inject
    Instance<ClockedStep> clocked;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    /** How long a graceful stop waits for workers to finish their sub-batch. */
    public static final long DRAIN_MILLIS = 5_000;

    private volatile Master master;

    public Master master() {
        Master m = master;
        if (m == null) {
            synchronized (this) {
                if (master == null) {
                    String host = hostName();
                    List<TaskKind> all = new ArrayList<>();
                    kinds.forEach(all::add);
                    master = new Master(host + "-" + UUID.randomUUID().toString().substring(0, 6), host, version,
                            tasks, shards, all, workerThreads, config, rates, metrics, clock, waits.stalls(), this::nudge, this::alarmAt,
                            clocked.stream().toList());
                }
                m = master;
            }
        }
        return m;
    }

    /**
     * Runs even while a tick is still waiting on the database (a call during a tick only asks for
     * another tick after it), so that liveness sees the process schedule its loop.
     */
    @Scheduled(every = "${push.engine.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.PROCEED,
            skipExecutionIf = Disabled.class)
    void tick() {
        scheduledAt = System.nanoTime();
        tickOnce();
    }

    private volatile long scheduledAt;

    /** Milliseconds since the scheduler last called the master loop; -1 before it first did. */
    public long sinceScheduled() {
        long at = scheduledAt;
        return at == 0 ? -1 : (System.nanoTime() - at) / 1_000_000;
    }

    /** Whether a tick runs now. */
    public boolean ticking() {
        return ticking.get();
    }

    /**
     * Ticks now, off the caller's thread: a started task gets its workers, and a run whose last
     * unit is done gets its final state, without waiting up to a tick interval for it.
     */
    public void nudge() {
        if (config.enabled()) {
            nudged.execute(this::tickOnce);
        }
    }

    /**
     * Where nudged ticks run: a thread of the master's own, started with it (the bean is made at start-up, by its
     * observer). Workers nudge, and a pool that grew a thread on a worker's call would give it the worker's low priority
     * (a thread inherits its creator's: {@link WorkerThreads}) and then serve requests at it.
     */
    private ThreadPoolExecutor nudged;

    @PostConstruct
    void startNudges() {
        nudged = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), tick -> {
            Thread t = new Thread(tick, "push-master");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        nudged.prestartAllCoreThreads();
    }

    /** A nudge after this is dropped: the instance is stopping. */
    @PreDestroy
    void stopNudges() {
        nudged.shutdown();
    }

    private final AtomicReference<Alarm> alarm = new AtomicReference<>();

    private record Alarm(long at, Cancellable timer) {
    }

    /**
     * Ticks at a monotonic instant ({@link TimeoutAlarm}), instead of the alarm set before; none
     * for {@link Long#MAX_VALUE}. Setting the same instant again keeps the alarm as it is.
     */
    void alarmAt(long mono) {
        Alarm before = alarm.get();
        if (before != null && before.at == mono) {
            return;
        }
        Alarm next = mono == Long.MAX_VALUE ? null : new Alarm(mono, Uni.createFrom().voidItem().onItem()
                .delayIt().by(Duration.ofMillis(Math.max(0, mono - Tick.monotonicMillis()))).subscribe().with(x -> nudge()));
        before = alarm.getAndSet(next);
        if (before != null) {
            before.timer.cancel();
        }
    }

    void onTaskCommanded(@Observes TaskCommanded event) {
        nudge();
    }

    /** Registers the instance (and so becomes ready) at once rather than at the scheduler's first tick. */
    void onStart(@Observes StartupEvent event) {
        workerThreads.ready();
        nudge();
    }

    private final AtomicBoolean ticking = new AtomicBoolean();
    private volatile boolean tickAgain;

    /** The master never runs two ticks at once; a tick asked for while one runs follows it. */
    private void tickOnce() {
        // A nudge that came between the last check and letting go of the flag found the flag still
        // set: it is not lost, this thread looks once more after letting go (else it waited a tick).
        do {
            tickAgain = true;
            if (!ticking.compareAndSet(false, true)) {
                return;
            }
            try {
                while (tickAgain) {
                    tickAgain = false;
                    master().tick();
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "master tick failed; retrying next tick");
            } finally {
                ticking.set(false);
            }
        } while (tickAgain);
    }

    /**
     * Drains while the rest of the application still works: Quarkus' shutdown delay fires this
     * first (readiness goes down, HTTP clients still run), so in-flight sends complete and commit.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    /** Without a shutdown delay, drain at shutdown itself. */
    void onStop(@Observes ShutdownEvent event) {
        drain();
    }

    private void drain() {
        if (master != null && config.enabled() && !master.draining()) {
            master.drain(DRAIN_MILLIS);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Skips ticks on instances configured without an engine. */
    @ApplicationScoped
    public static class Disabled implements Scheduled.SkipPredicate {
        @Inject
        EngineConfig config;

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.enabled();
        }
    }
}
