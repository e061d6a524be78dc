package dev.push.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.LaunchMode;

/**
 * Answers {@code quarkus.mongodb.connection-string} with the {@link EmbeddedDatabase} when no other source does, so
 * the service runs with one command and no MongoDB.
 * <p>
 * Its ordinal is the lowest, and SmallRye Config asks sources one by one from the highest ordinal down, stopping at
 * the first value, so {@code getValue} is only reached when nothing else (system properties, environment such as
 * {@code QUARKUS_MONGODB_CONNECTION_STRING}, application.properties, profiles) configures a connection string. It lists
 * no property names, so configuration scans never start the database; only that lookup does, once.
 * <p>
 * It stays silent (returns nothing, starts nothing) unless a Quarkus application is running in prod or dev mode:
 * not during the build, when Quarkus loads the same sources to read build-time configuration but no
 * {@link Application} has started, and not under {@code @QuarkusTest} (launch mode TEST), where tests bring their
 * own server through {@code MongoTestResource}.
 * <p>
 * Settings: {@code push.embedded.backend} ({@code h2} or {@code memory}, default h2), {@code push.embedded.dir}
 * (default {@code data}), {@code push.embedded.port} (default {@value EmbeddedDatabase#DEFAULT_PORT}, 0 for any free
 * port). Registered in META-INF/services; closed on shutdown by {@link EmbeddedDatabaseShutdown}.
 */
public final class EmbeddedDatabaseConfigSource implements ConfigSource {

    static final String CONNECTION_STRING = "quarkus.mongodb.connection-string";
    private static final ThreadLocal<Boolean> READING_SETTINGS = new ThreadLocal<>();
    private static EmbeddedDatabase running;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public String getValue(String propertyName) {
        if (!CONNECTION_STRING.equals(propertyName) || !applicationRunning() || READING_SETTINGS.get() != null) {
            return null;
        }
        return startOnce().connectionString();
    }

    @Override
    public String getName() {
        return "EmbeddedDatabaseConfigSource";
    }

    @Override
    public int getOrdinal() {
        return Integer.MIN_VALUE;
    }

    /** The database this source started, if it did and it is still open. */
    public static synchronized Optional<EmbeddedDatabase> running() {
        return Optional.ofNullable(running);
    }

    /** Closes the database this source started, if any; a later lookup would start it again. */
    public static synchronized void closeRunning() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    private static boolean applicationRunning() {
        LaunchMode mode = LaunchMode.current();
        return Application.currentApplication() != null && (mode == LaunchMode.NORMAL || mode == LaunchMode.DEVELOPMENT);
    }

    private static synchronized EmbeddedDatabase startOnce() {
        if (running == null) {
            running = EmbeddedDatabase.start(settings());
        }
        return running;
    }

    private static EmbeddedDatabase.Settings settings() {
        // Reading configuration from inside a lookup can come back here; the marker makes that inner lookup a miss.
        READING_SETTINGS.set(Boolean.TRUE);
        try {
            Config config = ConfigProvider.getConfig();
            String backend = config.getOptionalValue("push.embedded.backend", String.class).orElse("h2");
            int port = config.getOptionalValue("push.embedded.port", Integer.class).orElse(EmbeddedDatabase.DEFAULT_PORT);
            Path dir = Path.of(config.getOptionalValue("push.embedded.dir", String.class).orElse("data"));
            return new EmbeddedDatabase.Settings(EmbeddedDatabase.Backend.of(backend), dir, port);
        } finally {
            READING_SETTINGS.remove();
        }
    }
}
