package dev.push.engine;

import dev.push.task.RateMeter;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Masters of simulated service instances for tests, in the test application (run it with the
 * engine off, {@code push.engine.enabled=false}, so that these are the only masters): each has its own instance id
 * and wall clock and acts on the one test database, as instances of a cluster do.
 */
public final class TestMasters {
    private TestMasters() {
    }

    /** The test profile in which the test's masters are the only ones: the application's own engine is off. */
    public static class ManualEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("push.engine.enabled", "false");
        }
    }

    public static Master master(String instanceId, Clock clock, List<ClockedStep> clocked) {
        EngineConfig config = new EngineConfig() {
            public Duration tick() {
                return Duration.ofMillis(100);
            }

            // A tick slower than the heartbeat timeout counts as a freeze, after which nobody is
            // judged dead until watched afresh: 2 s leaves room for slow ticks on a loaded machine.
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
