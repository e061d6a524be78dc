package dev.push.recurring;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.push.storage.CoordinationConcern;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The one writer of {@code occurrences}: what was decided for each scheduled instant of a recurring campaign,
 * <pre>{_id: "campaign@instant", campaign, at, outcome, missed, by, decidedAt, reason?,
 *  and for an occurrence that runs: run (its campaign's id, taken with the decision), day, skipReached?,
 *  audience? (the id its rebuilt audience will have, taken with the decision), pending (until its run is made and
 *  started, or failed)}</pre>
 * The {@code _id} is the uniqueness: the master whose insert wins decides the instant, every other insert for it
 * fails on the duplicate key, so an instant has one outcome and at most one run across the cluster and restarts —
 * no lock that could expire. The run's id and its rebuilt audience's are in the decision, so making them is
 * idempotent too ({@link PendingOccurrenceRuns}).
 */
@ApplicationScoped
public class Occurrences {
    static final String COLLECTION = "occurrences";

    @Inject
    PushDatabase database;

    private MongoCollection<Document> coll() {
        // A decision is on disk before its run is made, as a send's reservation is.
        return CoordinationConcern.pin(database.get(COLLECTION));
    }

    static String key(long campaign, Instant at) {
        return campaign + "@" + at;
    }

    /**
     * The decision as recorded: {@code run} is the id its run will have (null for one that does not run), made over
     * the audience of id {@code rebuilt}, rebuilt from the series' query (null: over the series' audience), skipping
     * the members the runs {@code skipReached} reached, at the local date {@code day} (the instant's date in the
     * series' zone).
     */
    static Document decision(long campaign, OccurrenceDecision d, String by, Instant decidedAt, Long run,
                             java.time.LocalDate day, List<Long> skipReached, Long rebuilt) {
        Document o = new Document("_id", key(campaign, d.at())).append("campaign", campaign).append("at", Date.from(d.at()))
                .append("outcome", d.outcome()).append("missed", d.missed()).append("by", by)
                .append("decidedAt", Date.from(decidedAt));
        if (run != null) {
            o.append("run", run).append("day", day.toString()).append("pending", true);
            if (!skipReached.isEmpty()) {
                o.append("skipReached", skipReached);
            }
            if (rebuilt != null) {
                o.append("audience", rebuilt);
            }
        }
        return o;
    }

    /** Records the decision; false when the instant was decided already (by this master or another). */
    boolean decide(Document occurrence) {
        return PushDatabase.insertIfAbsent(coll(), occurrence);
    }

    /** Occurrences whose run is not yet made and started. */
    List<Document> pending() {
        return coll().find(Filters.eq("pending", true)).into(new ArrayList<>());
    }

    /** The occurrence's run is started (or failed, with {@code reason}): nothing more to make. */
    void made(String key, String reason) {
        Bson done = Updates.unset("pending");
        coll().updateOne(Filters.eq("_id", key), reason == null ? done : Updates.combine(done, Updates.set("reason", reason)));
    }

    /** A decision that runs and whose series no longer exists: it ends with the reason, without a run. */
    void orphaned(String key, String reason) {
        coll().updateOne(Filters.eq("_id", key), Updates.combine(Updates.unset("pending"), Updates.unset("run"),
                Updates.set("reason", reason)));
    }

    /** The runs of a recurring campaign's occurrences at or after {@code from} and before {@code before}. */
    List<Long> runsSince(long campaign, Instant from, Instant before) {
        List<Long> out = new ArrayList<>();
        coll().find(Filters.and(Filters.eq("campaign", campaign), Filters.gte("at", Date.from(from)),
                Filters.lt("at", Date.from(before)))).forEach(o -> {
            if (o.get("run") instanceof Long run) {
                out.add(run);
            }
        });
        return out;
    }

    /** The instant of a recurring campaign's latest decision, or null before its first. */
    Instant latest(long campaign) {
        List<Document> newest = of(campaign, 1);
        return newest.isEmpty() ? null : newest.get(0).getDate("at").toInstant();
    }

    /** A recurring campaign's occurrences, newest first. */
    List<Document> of(long campaign, int limit) {
        return coll().find(Filters.eq("campaign", campaign)).sort(Sorts.descending("at")).limit(limit).into(new ArrayList<>());
    }
}
