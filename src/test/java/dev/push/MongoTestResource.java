package dev.push;

import java.util.Map;

import dev.push.embedded.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The MongoDB that tests run against: an embedded in-memory server (key-narrowing memory backend) on 127.0.0.1 and a
 * free port, or, when the environment variable {@value #ENVIRONMENT} holds a connection string, that MongoDB (nothing
 * is started then).
 * <p>
 * In a {@code @QuarkusTest}: annotate one test class (it applies to all of them) with
 * {@code @QuarkusTestResource(value = MongoTestResource.class, restrictToAnnotatedClass = false)}; the application
 * then gets {@code quarkus.mongodb.connection-string} for it, and its database is {@code quarkus.mongodb.database}.
 * <p>
 * In a plain JUnit test: {@code MongoClients.create(MongoTestResource.connectionString())} reaches one server shared
 * by the whole test JVM (started on first use). Use a database name of your own to keep tests apart, and do not
 * assume an empty database: against a real MongoDB, data of earlier runs stays.
 */
public class MongoTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ENVIRONMENT = "PUSH_TEST_MONGODB";
    private static EmbeddedDatabase shared;
    private EmbeddedDatabase started;

    @Override
    public Map<String, String> start() {
        String external = external();
        if (external != null) {
            return Map.of("quarkus.mongodb.connection-string", external);
        }
        started = EmbeddedDatabase.start(EmbeddedDatabase.Settings.memory(0));
        return Map.of("quarkus.mongodb.connection-string", started.connectionString());
    }

    @Override
    public void stop() {
        if (started != null) {
            started.close();
            started = null;
        }
    }

    /** A connection string for plain JUnit tests: {@value #ENVIRONMENT}, or one embedded server for the test JVM. */
    public static synchronized String connectionString() {
        String external = external();
        if (external != null) {
            return external;
        }
        if (shared == null) {
            // Lives as long as the test JVM: tests in any order may use it, and the memory backend holds no file.
            shared = EmbeddedDatabase.start(EmbeddedDatabase.Settings.memory(0));
        }
        return shared.connectionString();
    }

    private static String external() {
        String value = System.getenv(ENVIRONMENT);
        return value == null || value.isBlank() ? null : value;
    }
}
