package dev.push.campaign;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.push.engine.ClockedStep;
import dev.push.engine.TaskKind;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A timed campaign ({@link DeliveryTiming}) whose run has sent every member due so far sleeps, paused, until its next
 * wave: no worker, no lease, nothing polled but the campaign's own {@code timing.next}. Each unit of the run records
 * the members it leaves held per release instant and zone ({@code held}); when the run ends, their earliest instant
 * (or the expiry, if sooner) becomes {@code timing.next} and the reason reads "waiting for 08:00 Europe/Paris (412,000
 * members)". Every master, every tick, starts the next run of the campaigns whose {@code timing.next} has come: a
 * compare-and-set on the instant it saw, so instances releasing at once start one run. That run walks the chunk
 * records again and sends the positions whose wave has come, under the same claim protocol.
 */
@ApplicationScoped
public class HeldWaves implements ClockedStep {
    private static final Logger LOG = Logger.getLogger(HeldWaves.class);
    static final String BY = "timing";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    @Inject
    Tasks tasks;

    @Inject
    Campaigns campaigns;

    @Inject
    Clock clock;

    @Override
    public void run(String instanceId, long wallMillis) {
        for (Task c : tasks.in(TaskState.PAUSED, Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("timing.waiting", true), Filters.lte("timing.next", new Date(wallMillis))))) {
            Date next = c.timing.getDate("next");
            try {
                Task started = tasks.startRun(c, TaskState.PAUSED, campaigns.startCheck(c), BY,
                        "released: " + c.timing.getString("wave"), null, Filters.eq("timing.next", next),
                        Updates.set("timing.waiting", false));
                if (started != null) {
                    LOG.infof("campaign %d released: %s", c.id, c.timing.getString("wave"));
                }
            } catch (RuntimeException e) {
                tasks.move(c, TaskState.PAUSED, TaskState.FAILED, BY, "could not release its held members: " + e.getMessage(),
                        null);
            }
        }
    }

    /**
     * Where a timed campaign's run goes when its units are done: paused until the next wave while any member is
     * held, else null (the campaign is finished). Safe to repeat: every master that sees the run done may call it.
     */
    TaskKind.RunEnd end(Task campaign, List<Document> units) {
        Map<List<Object>, Long> held = new java.util.HashMap<>();
        for (Document u : units) {
            read(u).forEach((k, n) -> held.merge(k, n, Long::sum));
        }
        if (held.isEmpty()) {
            return null;
        }
        long total = 0;
        long nextAt = Long.MAX_VALUE;
        for (Map.Entry<List<Object>, Long> e : held.entrySet()) {
            total += e.getValue();
            nextAt = Math.min(nextAt, (Long) e.getKey().get(0));
        }
        Instant next = Instant.ofEpochSecond(nextAt);
        String wave;
        if (campaign.expiresAt != null && !campaign.expiresAt.toInstant().isAfter(next)) {
            next = campaign.expiresAt.toInstant();
            wave = "the expiry at " + next + String.format(Locale.ROOT, " (%,d members held)", total);
        } else {
            Map<String, Long> atNext = new TreeMap<>();
            for (Map.Entry<List<Object>, Long> e : held.entrySet()) {
                if ((Long) e.getKey().get(0) == nextAt) {
                    atNext.merge((String) e.getKey().get(1), e.getValue(), Long::sum);
                }
            }
            List<String> zones = new ArrayList<>();
            long members = 0;
            for (Map.Entry<String, Long> e : atNext.entrySet()) {
                zones.add(localTime(next, e.getKey()) + " " + e.getKey());
                members += e.getValue();
            }
            wave = String.join(", ", zones) + String.format(Locale.ROOT, " (%,d members)", members);
        }
        return new TaskKind.RunEnd(TaskState.PAUSED, "waiting for " + wave, Updates.combine(
                Updates.set("timing.waiting", true), Updates.set("timing.next", Date.from(next)),
                Updates.set("timing.wave", wave), Updates.set("timing.held", total)));
    }

    /** {@code at} as the hour and minute it is in {@code zone}: how a wave is named ("08:00 Europe/Paris"). */
    static String localTime(Instant at, String zone) {
        return HOUR.format(at.atZone(ZoneId.of(zone)));
    }

    /** The held members a unit records: per release instant (epoch second) and zone. */
    @SuppressWarnings("unchecked")
    static Map<List<Object>, Long> read(Document unit) {
        Map<List<Object>, Long> held = new java.util.HashMap<>();
        if (unit.get("held") instanceof List<?> list) {
            for (Document d : (List<Document>) list) {
                held.merge(List.of(((Number) d.get("t")).longValue(), d.getString("z")), ((Number) d.get("n")).longValue(), Long::sum);
            }
        }
        return held;
    }

    /** {@code fields} of a unit's checkpoint or completion with its held members, when it has any. */
    static Document write(Map<List<Object>, Long> held, Document fields) {
        if (held.isEmpty()) {
            return fields;
        }
        List<Document> list = new ArrayList<>(held.size());
        held.forEach((k, n) -> list.add(new Document("t", k.get(0)).append("z", k.get(1)).append("n", n)));
        return fields.append("held", list);
    }
}
