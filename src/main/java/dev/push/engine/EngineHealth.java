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

import java.util.concurrent.TimeUnit;

/**
 * Kubernetes probes. Live: the process schedules its master loop (a tick waiting on the database
 * is the database's trouble, and restarting every instance would not cure it). Ready: the
 * database answers within {@link #PROBE_TIMEOUT_MS}, this instance is registered and it is not
 * draining. Started: the master has ticked once.
 */
@ApplicationScoped
public class EngineHealth {
    /** A probe's database calls give up after this long instead of the driver's 30 s server selection. */
    static final long PROBE_TIMEOUT_MS = 2_000;

    @Inject
    MasterLoop loop;

    @Inject
    EngineConfig config;

    @Inject
    MongoClient mongo;

    @Liveness
    HealthCheck masterScheduled() {
        return () -> {
            if (!config.enabled()) {
                return HealthCheckResponse.up("master");
            }
            long age = loop.sinceScheduled();
            // Not scheduled yet is the startup probe's concern, not liveness'.
            boolean scheduled = age < 0 || age <= Math.max(10_000, 5 * config.tick().toMillis());
            return HealthCheckResponse.named("master").status(scheduled).withData("sinceScheduledMs", age)
                    .withData("tickInProgress", loop.ticking()).build();
        };
    }

    @Readiness
    HealthCheck instanceReady() {
        return () -> {
            Master master = loop.master();
            boolean database;
            boolean registered = false;
            try {
                mongo.getDatabase("admin").withTimeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .runCommand(new Document("ping", 1));
                database = true;
                registered = !config.enabled() || ServiceInstance.mongoCollection()
                        .withTimeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
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
                .status(!config.enabled() || loop.master().ticked()).build();
    }
}
