package dev.push.engine;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Kubernetes probes. Live: the master loop is ticking. Ready: the database answers, this
 * instance is registered and it is not draining. Started: the master has ticked once.
 */
@ApplicationScoped
public class EngineHealth {
    @Inject
    Engine engine;

    @Inject
    EngineConfig config;

    @Inject
    MongoClient mongo;

    @Liveness
    HealthCheck masterTicking() {
        return () -> {
            if (!config.enabled()) {
                return HealthCheckResponse.up("master");
            }
            long last = engine.master().lastTick();
            long age = System.currentTimeMillis() - last;
            // A tick never ran yet is the startup probe's concern, not liveness'.
            boolean ticking = last == 0 || age <= Math.max(10_000, 5 * config.tick().toMillis());
            return HealthCheckResponse.named("master").status(ticking).withData("lastTickAgeMs", last == 0 ? -1 : age)
                    .build();
        };
    }

    @Readiness
    HealthCheck instanceReady() {
        return () -> {
            Master master = engine.master();
            boolean database;
            boolean registered = false;
            try {
                mongo.getDatabase("admin").runCommand(new Document("ping", 1));
                database = true;
                registered = !config.enabled() || ServiceInstance.mongoCollection()
                        .countDocuments(Filters.eq("_id", master.instanceId)) == 1;
            } catch (RuntimeException e) {
                database = false;
            }
            boolean ready = database && registered && !master.draining();
            return HealthCheckResponse.named("instance").status(ready).withData("database", database)
                    .withData("registered", registered).withData("draining", master.draining())
                    .withData("instance", master.instanceId).build();
        };
    }

    @Startup
    HealthCheck firstTick() {
        return () -> HealthCheckResponse.named("master-started")
                .status(!config.enabled() || engine.master().lastTick() > 0).build();
    }
}
