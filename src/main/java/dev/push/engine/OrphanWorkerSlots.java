package dev.push.engine;

import com.mongodb.client.model.Filters;
import dev.push.storage.RetentionConfig;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Date;

/**
 * Worker slots whose holder has not beaten for {@code push.retention.worker-slots} go: those of a
 * killed pod when the task ended meanwhile (a running task's dead slot is taken over long before,
 * and a removed one is simply claimed anew).
 */
@ApplicationScoped
class OrphanWorkerSlots implements RetentionRule {
    @Inject
    RetentionConfig retention;

    @Override
    public String describe() {
        return "worker slots silent for " + retention.workerSlots();
    }

    @Override
    public long sweep(Date now) {
        return WorkerSlot.mongoCollection().deleteMany(Filters.lt("heartbeat", now.getTime() - retention.workerSlots().toMillis()))
                .getDeletedCount();
    }
}
