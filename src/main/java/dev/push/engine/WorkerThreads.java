package dev.push.engine;

import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads audience and campaign workers run their steps on: their own, apart from the request threads, at
 * {@link Thread#MIN_PRIORITY}. A JVM started with {@value #JVM_OPTIONS} (the README's command, the images, the bench)
 * runs them at nice 10, so that when the CPU is contended requests — triggered sends above all — are scheduled before
 * a campaign's next sub-batch, and a campaign still gets the CPU nothing else wants (docs/sends.md, "Latency"). Without
 * those options the JVM leaves every thread at one priority and workers share the CPU with requests as equals:
 * {@link #nice()} says which, and the start-up log says it once.
 */
@ApplicationScoped
public class WorkerThreads implements Executor {
    /** The options that make {@link Thread#MIN_PRIORITY} nice 10 on Linux; lowering a thread's priority needs no privilege. */
    public static final String JVM_OPTIONS = "-XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=10";

    private static final Logger LOG = Logger.getLogger(WorkerThreads.class);

    private final AtomicInteger created = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(step -> {
        Thread t = new Thread(step, "push-worker-" + created.incrementAndGet());
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private volatile OptionalInt nice;

    @Override
    public void execute(Runnable step) {
        pool.execute(step);
    }

    /** The nice value the workers' threads run at, as Linux reports it; empty where there is no /proc. */
    public OptionalInt nice() {
        OptionalInt n = nice;
        if (n == null) {
            try {
                n = pool.submit(WorkerThreads::niceOfThisThread).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            } catch (java.util.concurrent.ExecutionException e) {
                return OptionalInt.empty();
            }
            nice = n;
        }
        return n;
    }

    /**
     * Before any worker runs: starts the timer thread of Quarkus's worker pool (Mutiny's delays), which the first delay
     * asked for would start otherwise. Were that a worker's pacing, the timer would inherit the worker's nice, and so
     * would each request thread it then started. Then says once whether workers yield the CPU to requests.
     */
    void ready() {
        Infrastructure.getDefaultWorkerPool().schedule(() -> {
        }, 0, TimeUnit.MILLISECONDS);
        OptionalInt workers = nice();
        OptionalInt requests = niceOfThisThread();
        if (workers.isEmpty() || requests.isEmpty()) {
            return;
        }
        if (workers.getAsInt() > requests.getAsInt()) {
            LOG.infof("workers run at nice %d, requests at %d: on a busy CPU requests go first", workers.getAsInt(),
                    requests.getAsInt());
        } else {
            LOG.warnf("workers run at the requests' priority (nice %d): start the JVM with %s so that triggered sends"
                    + " and the console go first on a busy CPU", workers.getAsInt(), JVM_OPTIONS);
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
}
