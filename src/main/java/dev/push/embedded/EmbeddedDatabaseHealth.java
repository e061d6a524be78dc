package dev.push.embedded;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Live and ready only while every embedded database this process serves can still write its file. An H2
 * store that panicked closes itself and answers every later write with an error; the process would go on
 * looking healthy while nothing it does is kept, so both probes go down (Kubernetes restarts the instance,
 * and the restart reopens the file from its last good chunk). In this package so the native build, which
 * has no embedded database, leaves it out.
 */
@ApplicationScoped
class EmbeddedDatabaseHealth {

    @Liveness
    @Readiness
    HealthCheck embeddedDatabase() {
        return () -> {
            HealthCheckResponseBuilder answer = HealthCheckResponse.named("embedded-database");
            Optional<String> failure = Optional.empty();
            for (EmbeddedDatabase database : EmbeddedDatabase.open()) {
                failure = database.failure().map(reason -> database.file() + ": " + reason);
                if (failure.isPresent()) {
                    break;
                }
            }
            failure.ifPresent(reason -> answer.withData("reason", reason));
            return answer.status(failure.isEmpty()).build();
        };
    }
}
