package dev.push.engine;

import com.mongodb.client.model.Filters;
import dev.push.storage.RetentionConfig;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Date;

/**
 * Instances not heard from for {@code push.retention.instances} go: a killed pod never removes its
 * own, and every instance lists and counts them. Long past the heartbeat timeout, so the dead
 * instance has been judged dead (and its slots taken over) long before.
 */
@ApplicationScoped
class DeadInstances implements RetentionRule {
    @Inject
    RetentionConfig retention;

    @Override
    public String describe() {
        return "instances silent for " + retention.instances();
    }

    @Override
    public long sweep(Date now) {
        return ServiceInstance.mongoCollection().deleteMany(Filters.lt("heartbeat", now.getTime() - retention.instances().toMillis()))
                .getDeletedCount();
    }
}
