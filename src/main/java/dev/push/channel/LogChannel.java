package dev.push.channel;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers nowhere: logs one line per sub-batch and records what it was given, so the whole
 * flow runs without credentials. With {@code push.channel.log.record-members=true} it also keeps
 * every member id it received per campaign (for tests and demos; memory grows with audiences).
 */
@ApplicationScoped
public class LogChannel implements Channel {
    private static final Logger LOG = Logger.getLogger(LogChannel.class);

    private final Map<Long, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<Long, ConcurrentLinkedQueue<String>> members = new ConcurrentHashMap<>();

    @Inject
    LogChannelConfig config;

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String addressKind() {
        return null;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        List<Outcome> outcomes = new ArrayList<>(delivery.recipients().size());
        ConcurrentLinkedQueue<String> seen = config.recordMembers()
                ? members.computeIfAbsent(delivery.campaignId(), c -> new ConcurrentLinkedQueue<>()) : null;
        for (Delivery.Recipient r : delivery.recipients()) {
            outcomes.add(Outcome.sent(r.memberId()));
            if (seen != null) {
                seen.add(r.memberId());
            }
        }
        long total = counts.computeIfAbsent(delivery.campaignId(), c -> new AtomicLong())
                .addAndGet(outcomes.size());
        LOG.debugf("campaign %d: delivered %d messages to the log (%d so far), title=%s", delivery.campaignId(),
                outcomes.size(), total, delivery.message() == null ? null : delivery.message().get("title"));
        return Uni.createFrom().item(outcomes);
    }

    /** Messages this channel delivered for a campaign since the process started. */
    public long delivered(long campaignId) {
        AtomicLong n = counts.get(campaignId);
        return n == null ? 0 : n.get();
    }

    /** Every member id delivered for a campaign, in order, duplicates included (when recording). */
    public List<String> deliveredMembers(long campaignId) {
        ConcurrentLinkedQueue<String> q = members.get(campaignId);
        return q == null ? List.of() : new ArrayList<>(q);
    }
}
