package dev.push.channel.limits;

import com.mongodb.client.model.Filters;
import dev.push.storage.PushDatabase;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * How many service instances are live (heartbeat within the timeout, not draining), re-read from
 * the {@code instances} collection every two seconds, so a channel's limits can be shared out
 * without a database read per send.
 */
@ApplicationScoped
public class LiveInstances {
    @Inject
    PushDatabase collections;

    @ConfigProperty(name = "push.engine.heartbeat-timeout", defaultValue = "3s")
    Duration heartbeatTimeout;

    private volatile int count = 1;

    public int count() {
        return count;
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        long since = System.currentTimeMillis() - heartbeatTimeout.toMillis();
        long live = collections.get("instances").countDocuments(Filters.and(Filters.gte("heartbeat", since),
                Filters.ne("draining", true)));
        count = (int) Math.max(1, live);
    }
}
