package dev.push.engine;

import com.mongodb.client.model.Filters;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Date;

/**
 * Worker slots whose holder has not beaten for {@code push.retention.worker-slots} go: those of a
 * killed pod when the task ended meanwhile (a running task's dead slot is taken over long before,
 * and a removed one is simply claimed anew).
 */
@ApplicationScoped
class OrphanWorkerSlots implements RetentionRule {
    @ConfigProperty(name = "push.retention.worker-slots", defaultValue = "1h")
    Duration retention;

    @Override
    public String describe() {
        return "worker slots silent for " + retention;
    }

    @Override
    public long sweep(Date now) {
        return WorkerSlot.mongoCollection().deleteMany(Filters.lt("heartbeat", now.getTime() - retention.toMillis()))
                .getDeletedCount();
    }
}
