package dev.push.embedded;

import dev.push.training.TrainingRun;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The service's entry point. {@code --database-only} runs just the embedded database (no API,
 * no workers), so that several service instances on one machine can share it:
 * {@code java -jar quarkus-run.jar --database-only [--port 27018] [--dir data]}. {@code --training-run} runs the
 * service's training workload on an in-memory database and exits ({@link TrainingRun}).
 */
@QuarkusMain
public class PushMain {
    public static void main(String... args) throws Exception {
        if (Arrays.asList(args).contains(TrainingRun.ARGUMENT)) {
            TrainingRun.main(args);
            return;
        }
        if (!Arrays.asList(args).contains("--database-only")) {
            Quarkus.run(args);
            return;
        }
        int port = Integer.parseInt(option(args, "--port", String.valueOf(EmbeddedDatabase.DEFAULT_PORT)));
        Path dir = Path.of(option(args, "--dir", "data"));
        EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, port));
        // Quarkus' logging is not set up in this mode: say where the database is on standard output.
        System.out.println("Push database-only mode: " + database.connectionString()
                + (database.file() == null ? "" : " (file " + database.file() + ")"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            database.close();
            stopped.countDown();
        }, "database-shutdown"));
        stopped.await();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
