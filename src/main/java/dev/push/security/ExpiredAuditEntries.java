package dev.push.security;

import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Date;

/**
 * Audit entries older than {@code push.retention.audit} go. On MongoDB the TTL index on {@code at}
 * (see {@code CollectionIndexes}) removes them too; the embedded server has only this.
 */
@ApplicationScoped
class ExpiredAuditEntries implements RetentionRule {
    @Inject
    Audit audit;

    @ConfigProperty(name = "push.retention.audit", defaultValue = "P400D")
    Duration retention;

    @Override
    public String describe() {
        return "audit entries older than " + retention;
    }

    @Override
    public long sweep(Date now) {
        return audit.expire(new Date(now.getTime() - retention.toMillis()));
    }
}
