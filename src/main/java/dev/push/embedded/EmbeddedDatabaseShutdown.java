package dev.push.embedded;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;

/** Closes the embedded database, if this instance started one, when the application stops. */
@Singleton
final class EmbeddedDatabaseShutdown {

    // Late, so the application's own shutdown observers (say, removing this instance's heartbeat) still reach it.
    void close(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1_000) ShutdownEvent event) {
        EmbeddedDatabaseConfigSource.closeRunning();
    }
}
