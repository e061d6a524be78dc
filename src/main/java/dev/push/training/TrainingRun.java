package dev.push.training;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * {@code java -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar --training-run} (JDK 25 and later, the {@code aot-jar}
 * build): the service starts on an in-memory embedded database nobody else reaches, runs {@link TrainingWorkload} over
 * its own REST API, and exits, so the JVM records the classes it loaded and the methods it found hot. A JVM started with
 * that cache ({@code -XX:AOTCache=app.aot}) loads those classes ready-made and compiles those methods sooner: its cold
 * phases run faster, though the JIT still compiles (docs/benchmarks.md §18; {@code docker/Dockerfile.jvm-aot}).
 */
public class TrainingRun implements QuarkusApplication {

    public static final String ARGUMENT = "--training-run";
    /** Enough for every path to run thousands of times, few enough for a run of seconds (11–13 s here). */
    static final int MEMBERS = 10_000;
    private static final Logger LOG = Logger.getLogger(TrainingRun.class);

    /** Starts the service for a training run; refuses to, before anything connects, when a database is configured. */
    public static void main(String... args) throws IOException {
        if (System.getenv("QUARKUS_MONGODB_CONNECTION_STRING") != null
                || System.getProperty("quarkus.mongodb.connection-string") != null) {
            System.err.println("The training run writes members, audiences and campaigns of its own: it runs only on the"
                    + " in-memory embedded database. Unset QUARKUS_MONGODB_CONNECTION_STRING (or"
                    + " -Dquarkus.mongodb.connection-string) for it.");
            System.exit(2);
        }
        System.setProperty("push.embedded.backend", "memory");
        System.setProperty("push.embedded.port", "0");
        try (ServerSocket free = new ServerSocket(0)) {
            System.setProperty("quarkus.http.port", String.valueOf(free.getLocalPort()));
        }
        // The admin of a database that ends with the process: a password nobody needs to know.
        System.setProperty("push.admin.password", UUID.randomUUID().toString());
        Quarkus.run(TrainingRun.class, args);
    }

    @Override
    public int run(String... args) {
        var config = ConfigProvider.getConfig();
        URI base = URI.create("http://127.0.0.1:" + config.getValue("quarkus.http.port", Integer.class));
        long start = System.nanoTime();
        ApiClient api = new ApiClient(base, config.getValue("push.admin.password", String.class), "training",
                TrainingWorkload.TASK_LIMIT);
        TrainingWorkload.Summary done = new TrainingWorkload(api, "training", MEMBERS).run();
        LOG.infof("Training run done in %.1f s: %s", (System.nanoTime() - start) / 1e9, done);
        return 0;
    }
}
