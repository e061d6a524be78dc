package dev.push.engine;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads audience and campaign workers run their steps on, apart from the request threads: at the requests'
 * priority, and while a request that must not wait behind them is being served ({@link #makeWay}: a triggered send),
 * on threads at {@link Thread#MIN_PRIORITY}. A JVM started with {@value #JVM_OPTIONS} (the README's command, the
 * images, the bench) runs those at nice 10, so that on a busy CPU Linux schedules the send before a campaign's next
 * sub-batch; a campaign with no send beside it keeps the CPU as before (docs/sends.md, "Latency"). Without those
 * options the JVM leaves every thread at one priority: {@link #nice()} says which, and the start-up log says it once.
 * <p>
 * A thread inherits its creator's nice, and only privilege lowers it again: no thread is created by a yielding one,
 * but for another yielding one.
 */
@ApplicationScoped
public class WorkerThreads implements Executor {
    /** The options that make {@link Thread#MIN_PRIORITY} nice 10 on Linux; lowering a thread's priority needs no privilege. */
    public static final String JVM_OPTIONS = "-XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=10";
    /** The name of yielding threads, as Linux shows it (15 characters at most). */
    public static final String YIELDING = "push-worker-low";
    /** How long steps yield after the way was made: longer than a send takes, so a stream of sends keeps it made. */
    static final long YIELD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final Logger LOG = Logger.getLogger(WorkerThreads.class);

    private final ExecutorService normal = pool("push-worker-", Thread.NORM_PRIORITY);
    private final ExecutorService yielding = pool(YIELDING + "-", Thread.MIN_PRIORITY);
    /** Where a yielding thread hands a step for a normal one: a pool growing there gets a thread of normal nice. */
    private final ThreadPoolExecutor handover = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), step -> daemon(step, "push-worker-handover", Thread.NORM_PRIORITY));
    private volatile long wayMadeAt = System.nanoTime() - 2 * YIELD_NANOS;
    private volatile OptionalInt nice;

    @Override
    public void execute(Runnable step) {
        if (System.nanoTime() - wayMadeAt < YIELD_NANOS) {
            yielding.execute(step);
        } else if (Thread.currentThread().getName().startsWith(YIELDING)) {
            handover.execute(() -> normal.execute(step));
        } else {
            normal.execute(step);
        }
    }

    /** A request that must not wait behind workers is being served: for {@link #YIELD_NANOS}, their steps yield. */
    public void makeWay() {
        wayMadeAt = System.nanoTime();
    }

    /** The way is clear: steps from now on run at the requests' priority. */
    void clearWay() {
        wayMadeAt = System.nanoTime() - 2 * YIELD_NANOS;
    }

    /** When the way was last made ({@link System#nanoTime()}). */
    public long wayMadeAt() {
        return wayMadeAt;
    }

    /** The nice value yielding steps run at, as Linux reports it; empty where there is no /proc. */
    public OptionalInt nice() {
        OptionalInt n = nice;
        if (n == null) {
            try {
                n = yielding.submit(WorkerThreads::niceOfThisThread).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            } catch (ExecutionException e) {
                return OptionalInt.empty();
            }
            nice = n;
        }
        return n;
    }

    /**
     * Before any worker runs, from start-up: starts the handover's thread, and the timer thread of Quarkus's worker
     * pool (Mutiny's delays), which the first delay asked for would start otherwise. Were that a yielding step's pacing,
     * the timer would inherit its nice, and so would each request thread it then started. Then says once whether
     * workers can yield.
     */
    void ready() {
        handover.prestartAllCoreThreads();
        Infrastructure.getDefaultWorkerPool().schedule(() -> {
        }, 0, TimeUnit.MILLISECONDS);
        OptionalInt low = nice();
        OptionalInt requests = niceOfThisThread();
        if (low.isEmpty() || requests.isEmpty()) {
            return;
        }
        if (low.getAsInt() > requests.getAsInt()) {
            LOG.infof("while triggered sends are served, workers run at nice %d, requests at %d", low.getAsInt(),
                    requests.getAsInt());
        } else {
            LOG.warnf("workers cannot yield to triggered sends (nice %d for both): start the JVM with %s",
                    low.getAsInt(), JVM_OPTIONS);
        }
    }

    static OptionalInt niceOfThisThread() {
        return niceOf(Path.of("/proc/thread-self/stat"));
    }

    /** A thread's nice value from its {@code stat} file under /proc: field 19, counted after the name (which may hold spaces). */
    public static OptionalInt niceOf(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return OptionalInt.of(Integer.parseInt(fields[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static ExecutorService pool(String prefix, int priority) {
        AtomicInteger created = new AtomicInteger();
        return Executors.newCachedThreadPool(step -> daemon(step, prefix + created.incrementAndGet(), priority));
    }

    private static Thread daemon(Runnable step, String name, int priority) {
        Thread t = new Thread(step, name);
        t.setDaemon(true);
        t.setPriority(priority);
        return t;
    }
}
