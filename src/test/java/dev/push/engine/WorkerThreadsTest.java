package dev.push.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test JVM is started with {@link WorkerThreads#JVM_OPTIONS} (pom.xml), as the service is. */
class WorkerThreadsTest {
    private final WorkerThreads threads = new WorkerThreads();

    @BeforeEach
    void startUp() {
        threads.ready();
    }

    /** Set by a step on its thread: a thread that thread creates inherits it, as it would inherit its nice. */
    private static final InheritableThreadLocal<String> CREATOR = new InheritableThreadLocal<>();

    private record Ran(String thread, OptionalInt nice, String createdBy) {
    }

    private static Ran here() {
        return new Ran(Thread.currentThread().getName(), WorkerThreads.niceOfThisThread(), CREATOR.get());
    }

    @Test
    void aStepRunsAtTheRequestsPriorityWhileNoSendIsServed() throws Exception {
        CompletableFuture<Ran> step = new CompletableFuture<>();

        threads.execute(() -> step.complete(here()));

        assertEquals(OptionalInt.of(0), step.get(10, TimeUnit.SECONDS).nice(), "the step's thread, as Linux reports it");
    }

    @Test
    void aStepRunsAtNiceTenOnceTheWayIsMadeForASend() throws Exception {
        OptionalInt caller = WorkerThreads.niceOfThisThread();
        CompletableFuture<Ran> step = new CompletableFuture<>();

        threads.makeWay();
        threads.execute(() -> step.complete(here()));

        Ran ran = step.get(10, TimeUnit.SECONDS);
        assertEquals(OptionalInt.of(10), ran.nice(), "the step's thread, as Linux reports it");
        assertTrue(ran.thread().startsWith(WorkerThreads.YIELDING), ran.thread());
        assertEquals(OptionalInt.of(0), caller, "the caller's thread keeps its own");
    }

    @Test
    void theNextStepOfAYieldingOneOnceTheWayIsClearRunsAtTheRequestsPriority() throws Exception {
        CompletableFuture<Ran> first = new CompletableFuture<>();
        CompletableFuture<Ran> next = new CompletableFuture<>();

        threads.makeWay();
        threads.execute(() -> {
            CREATOR.set("a yielding step's thread");
            first.complete(here());
            threads.clearWay();
            threads.execute(() -> next.complete(here()));
        });

        assertEquals(OptionalInt.of(10), first.get(10, TimeUnit.SECONDS).nice(), "the first step yielded");
        Ran ran = next.get(10, TimeUnit.SECONDS);
        assertEquals(OptionalInt.of(0), ran.nice(), "the next step's thread, as Linux reports it");
        assertTrue(ran.thread().startsWith("push-worker-") && !ran.thread().startsWith(WorkerThreads.YIELDING), ran.thread());
        assertEquals(null, ran.createdBy(), "the next step's thread was not created by the yielding one, whose nice it "
                + "would inherit where the JVM may not lower it again (any user but root)");
    }
}
