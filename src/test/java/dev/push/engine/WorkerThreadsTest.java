package dev.push.engine;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test JVM is started with {@link WorkerThreads#JVM_OPTIONS} (pom.xml), as the service is. */
class WorkerThreadsTest {

    @Test
    void aWorkerStepRunsAtNiceTenWhileTheThreadThatHandedItOverKeepsItsOwnPriority() throws Exception {
        OptionalInt caller = WorkerThreads.niceOfThisThread();
        CompletableFuture<OptionalInt> step = new CompletableFuture<>();

        new WorkerThreads().execute(() -> step.complete(WorkerThreads.niceOfThisThread()));

        assertEquals(OptionalInt.of(10), step.get(10, TimeUnit.SECONDS), "the step's thread, as Linux reports it");
        assertEquals(OptionalInt.of(0), caller, "the caller's thread, as Linux reports it");
    }
}
