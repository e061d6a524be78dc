package dev.push.engine;

import dev.push.task.RateMeter;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import io.quarkus.arc.Arc;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Masters of simulated service instances for tests of other packages, in the test application (run it with the
 * engine off, {@code push.engine.enabled=false}, so that these are the only masters): each has its own instance id
 * and wall clock and acts on the one test database, as instances of a cluster do.
 */
public final class TestMasters {
    private TestMasters() {
    }

    public static Master master(String instanceId, Clock clock, List<ClockedStep> clocked) {
        EngineConfig config = new EngineConfig() {
            public Duration tick() {
                return Duration.ofMillis(100);
            }

            public Duration heartbeatTimeout() {
                return Duration.ofMillis(2_000);
            }

            public Duration leaseTimeout() {
                return Duration.ofMillis(5_000);
            }

            public boolean enabled() {
                return true;
            }
        };
        List<TaskKind> kinds = new ArrayList<>();
        Arc.container().select(TaskKind.class).forEach(kinds::add);
        return new Master(instanceId, "test-host", "test", Arc.container().instance(Tasks.class).get(),
                Arc.container().instance(TaskUnits.class).get(), kinds, Infrastructure.getDefaultWorkerPool(), config,
                Arc.container().instance(RateMeter.class).get(), Arc.container().instance(EngineMetrics.class).get(), clock,
                new DatabaseStalls(), () -> {
                }, at -> {
                }, clocked);
    }
}
