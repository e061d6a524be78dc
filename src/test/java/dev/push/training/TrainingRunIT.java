package dev.push.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.push.cluster.ServiceLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@code java -jar quarkus-run.jar --training-run}, the packaged service as the AOT image's build runs it
 * ({@code docker/Dockerfile.jvm-aot}): it does its whole workload and exits by itself, and it never runs against a
 * configured database.
 */
class TrainingRunIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Test
    void theTrainingRunDoesItsWholeWorkloadAndExitsByItself() throws Exception {
        Path log = Files.createDirectories(Path.of("target", "training")).resolve("training-run.log");
        Process run = start(log, Map.of());

        assertTrue(ended(run, 3), "the training run ends by itself; see " + log);
        assertEquals(0, run.exitValue(), "see " + log);
        int members = TrainingRun.MEMBERS;
        assertTrue(Files.readString(log).contains("Training run done in ")
                        && Files.readString(log).contains("Summary[imported=" + members + ", uploadAudience=" + members * 9 / 10
                        + ", queryAudience=" + members / 2 + ", intersect=" + members / 4 + ", exclude=" + members / 4
                        + ", campaignsSent=[" + members / 2 + ", " + members * 9 / 10 + "], sendsSent=" + members / 10
                        + ", sendsReplayed=" + members / 10 + "]"),
                "the run's summary, each step's count exact; see " + log);
    }

    @Test
    void theTrainingRunRefusesToStartWithADatabaseConfigured() throws Exception {
        Path log = Files.createDirectories(Path.of("target", "training")).resolve("training-refused.log");
        // Nothing listens on port 9 (discard): had the run tried to connect, it would hang or fail another way.
        Process run = start(log, Map.of("QUARKUS_MONGODB_CONNECTION_STRING", "mongodb://127.0.0.1:9"));

        assertTrue(ended(run, 1), "see " + log);
        assertEquals(2, run.exitValue());
        String output = Files.readString(log);
        assertTrue(output.contains("it runs only on the in-memory embedded database"), output);
        assertFalse(output.contains("Quarkus"), "it stopped before the service started: " + output);
    }

    private static boolean ended(Process run, int minutes) throws InterruptedException {
        if (run.waitFor(minutes, TimeUnit.MINUTES)) {
            return true;
        }
        run.destroyForcibly().waitFor();
        return false;
    }

    private static Process start(Path log, Map<String, String> environment) throws IOException {
        List<String> cmd = new ArrayList<>(ServiceLaunch.java(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-Xmx256m", "-jar", JAR.toString(), TrainingRun.ARGUMENT));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("QUARKUS_MONGODB_CONNECTION_STRING");
        pb.environment().putAll(environment);
        return pb.start();
    }
}
