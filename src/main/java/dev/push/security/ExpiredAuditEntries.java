package dev.push.security;

import dev.push.storage.RetentionConfig;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Date;

/**
 * Audit entries older than {@code push.retention.audit} go. On MongoDB the TTL index on {@code at}
 * (see {@code CollectionIndexes}) removes them too; the embedded server has only this.
 */
@ApplicationScoped
class ExpiredAuditEntries implements RetentionRule {
    @Inject
    Audit audit;

    @Inject
    RetentionConfig retention;

    @Override
    public String describe() {
        return "audit entries older than " + retention.audit();
    }

    @Override
    public long sweep(Date now) {
        return audit.expire(new Date(now.getTime() - retention.audit().toMillis()));
    }
}
