package dev.push.task;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The units of work of one task run ({@code task_shards}): who holds each unit's lease and
 * until when (by the holder's clock: renewing changes it, and the engine judges a lease by whether
 * it changes, never against another clock), how far it got (cursor), whether it is done, and its
 * exact counters. A unit is
 * only ever written under {@code owner = me}, so a worker whose lease was taken over can no
 * longer change it. Every access is by key: {@code _id = {t, r, s}}.
 */
@ApplicationScoped
public class TaskUnits {
    /** Keys per {@code $in}: the embedded server answers slices of ~100 much faster than 1000. */
    static final int KEY_SLICE = 100;

    private final PushDatabase collections;
    private final Clock clock;

    @Inject
    public TaskUnits(PushDatabase collections, Clock clock) {
        this.collections = collections;
        this.clock = clock;
    }

    MongoCollection<Document> coll() {
        return collections.get(PushDatabase.TASK_SHARDS);
    }

    public static Document key(long task, long run, int unit) {
        return new Document("t", task).append("r", run).append("s", unit);
    }

    /**
     * Creates the unit documents of a new run; existing ones (a concurrent start) are kept. Acknowledged at
     * {@code w: 1}: the caller moves the task to the run next, journaled, which makes them durable with it (one
     * sync at a start instead of two); lost in a crash before that, they belong to a run that never started.
     */
    public void create(long task, long run, int units) {
        List<Document> docs = new ArrayList<>(units);
        for (int s = 0; s < units; s++) {
            docs.add(new Document("_id", key(task, run, s)).append("owner", null).append("until", 0L)
                    .append("cursor", 0).append("done", false).append("counts", new Document()));
        }
        try {
            coll().withWriteConcern(WriteConcern.W1).insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != 11000)) {
                throw e;
            }
        }
    }

    /** All unit documents of a run, in unit order, read by key in slices. */
    public List<Document> all(long task, long run, int units) {
        List<Document> out = new ArrayList<>(units);
        for (int from = 0; from < units; from += KEY_SLICE) {
            List<Document> keys = new ArrayList<>();
            for (int s = from; s < Math.min(units, from + KEY_SLICE); s++) {
                keys.add(key(task, run, s));
            }
            Document[] slice = new Document[keys.size()];
            for (Document d : coll().find(Filters.in("_id", keys))) {
                slice[((Document) d.get("_id")).getInteger("s") - from] = d;
            }
            for (Document d : slice) {
                if (d != null) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** One unit document by key, or null. */
    public Document one(Document key) {
        return coll().find(Filters.eq("_id", key)).first();
    }

    /** The field counting a unit's leases. */
    public static final String ATTEMPTS = "attempts";

    /** Whether the unit was leased once only (and so worked by one attempt); false when not known. */
    public static boolean oneAttempt(Document unit) {
        return unit.get(ATTEMPTS) instanceof Number n && n.longValue() == 1;
    }

    public static int unitOf(Document unit) {
        return ((Document) unit.get("_id")).getInteger("s");
    }

    /**
     * The units a worker may try to lease now: not done, and free (no owner, or a lease the engine
     * judges void), in unit order starting from {@code preferred} so that workers spread out,
     * those with a void lease first.
     */
    public List<Document> leasable(long task, long run, int units, int preferred, Predicate<Document> leaseVoid) {
        List<Document> docs = all(task, run, units);
        List<Document> abandoned = new ArrayList<>();
        List<Document> free = new ArrayList<>();
        int n = docs.size();
        for (int i = 0; i < n; i++) {
            Document d = docs.get((preferred + i) % n);
            if (d.getBoolean("done", false)) {
                continue;
            }
            if (d.get("owner") == null) {
                free.add(d);
            } else if (leaseVoid.test(d)) {
                abandoned.add(d);
            }
        }
        // Units a dead or stuck worker left come first: their chunk in progress waits for them.
        abandoned.addAll(free);
        return abandoned;
    }

    /**
     * Takes the lease of a unit as it was seen: a compare-and-set on its owner and lease expiry,
     * so only one of the workers that saw it free gets it. Answers the unit, or null. The unit counts its leases
     * ({@value #ATTEMPTS}): a unit done in one lease was worked by one attempt, with nothing left half done.
     */
    public Document lease(Document seen, String owner, long leaseMs) {
        Bson cas = Filters.and(Filters.eq("_id", seen.get("_id")), Filters.eq("owner", seen.get("owner")),
                Filters.eq("until", seen.get("until")), Filters.eq("done", false));
        return coll().findOneAndUpdate(cas,
                Updates.combine(Updates.set("owner", owner), Updates.set("until", clock.millis() + leaseMs),
                        Updates.set("previousOwner", seen.get("owner")), Updates.inc(ATTEMPTS, 1)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    /** Checkpoints a held unit and renews its lease; false when the lease was lost (fenced). */
    public boolean checkpoint(Document key, String owner, long leaseMs, Document fields) {
        return checkpoint(coll(), key, owner, leaseMs, fields);
    }

    /**
     * {@link #checkpoint} acknowledged without waiting for the journal, for a caller whose next write is journaled
     * before anything is sent (a campaign worker's next chunk claim or its unit's completion): that write makes this
     * one durable with it, and a crash before it only sets the cursor back to chunks whose records say they are done.
     */
    public boolean checkpointAheadOfJournaledWrite(Document key, String owner, long leaseMs, Document fields) {
        return checkpoint(coll().withWriteConcern(WriteConcern.W1), key, owner, leaseMs, fields);
    }

    private boolean checkpoint(MongoCollection<Document> units, Document key, String owner, long leaseMs, Document fields) {
        Document set = new Document(fields).append("until", clock.millis() + leaseMs);
        return units.updateOne(Filters.and(Filters.eq("_id", key), Filters.eq("owner", owner)),
                new Document("$set", set)).getMatchedCount() == 1;
    }

    /** Marks a held unit done with its final fields; false when the lease was lost. */
    public boolean complete(Document key, String owner, Document fields) {
        Document set = new Document(fields).append("done", true).append("owner", null).append("until", 0L);
        return coll().updateOne(Filters.and(Filters.eq("_id", key), Filters.eq("owner", owner)),
                new Document("$set", set)).getMatchedCount() == 1;
    }

    /** Gives a held unit back (pause, stop, shutdown) so another worker may take it at once. */
    public void release(Document key, String owner) {
        coll().updateOne(Filters.and(Filters.eq("_id", key), Filters.eq("owner", owner)),
                Updates.combine(Updates.set("owner", null), Updates.set("until", 0L)));
    }

    /** Sets a unit's counters to {@code counts}, whoever holds it: a retry recounted its records. */
    public void recount(long task, long run, int unit, Progress counts) {
        coll().updateOne(Filters.eq("_id", key(task, run, unit)), Updates.combine(
                Updates.set("counts.processed", counts.processed), Updates.set("counts.sent", counts.sent),
                Updates.set("counts.failed", counts.failed), Updates.set("counts.skipped", counts.skipped),
                Updates.set("counts.unknown", counts.unknown)));
    }

    /** The sum of the units' counters. */
    public static Progress sum(List<Document> units) {
        Progress p = new Progress();
        for (Document d : units) {
            p.add(Progress.of((Document) d.get("counts")));
        }
        return p;
    }
}
