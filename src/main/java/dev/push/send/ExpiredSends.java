package dev.push.send;

import dev.push.storage.RetentionConfig;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Date;

/**
 * Sends older than {@code push.retention.sends} go, and their {@code Idempotency-Key} may then be used again. On
 * MongoDB the TTL index on {@code at} (see {@code CollectionIndexes}) removes them too; the embedded server has only this.
 */
@ApplicationScoped
class ExpiredSends implements RetentionRule {
    @Inject
    Sends sends;

    @Inject
    RetentionConfig retention;

    @Override
    public String describe() {
        return "sends older than " + retention.sends();
    }

    @Override
    public long sweep(Date now) {
        return sends.expire(new Date(now.getTime() - retention.sends().toMillis()));
    }
}
