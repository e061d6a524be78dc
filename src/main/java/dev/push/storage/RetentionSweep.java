package dev.push.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import io.quarkus.scheduler.Scheduled;
import org.jboss.logging.Logger;

import java.util.Date;

/**
 * Runs every {@link RetentionRule} every {@code push.retention.sweep-every}, on its own schedule
 * beside the master's tick (nothing of the tick waits for it). Several instances may sweep at once: each rule deletes by a condition, so running
 * twice removes nothing more. TTL indexes (audit) do the same on MongoDB; the embedded server
 * never expires documents, so the sweep runs there too.
 */
@ApplicationScoped
public class RetentionSweep {
    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    @Inject
    Instance<RetentionRule> rules;

    @Scheduled(every = "${push.retention.sweep-every:10m}", delayed = "${push.retention.sweep-every:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        sweep(new Date());
    }

    /** Runs each rule once; a failing rule is tried again next time. */
    public void sweep(Date now) {
        for (RetentionRule rule : rules) {
            try {
                long removed = rule.sweep(now);
                if (removed > 0) {
                    LOG.infof("retention: %d removed, %s", removed, rule.describe());
                }
            } catch (RuntimeException e) {
                LOG.warnf("retention: %s failed this time: %s", rule.describe(), e.toString());
            }
        }
    }
}
