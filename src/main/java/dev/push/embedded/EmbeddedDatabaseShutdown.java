package dev.push.embedded;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;

/** Closes the embedded database, if this instance started one, when the application stops. */
@Singleton
final class EmbeddedDatabaseShutdown {

    @Inject
    Scheduler scheduler;

    // Late, so the application's own shutdown observers (say, removing this instance's heartbeat) still reach it.
    void close(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1_000) ShutdownEvent event) {
        // The scheduler stops only when the application's beans are destroyed, after every ShutdownEvent
        // observer: without this its jobs would fire against the closed database until then.
        scheduler.pause();
        EmbeddedDatabaseConfigSource.closeRunning();
    }
}
