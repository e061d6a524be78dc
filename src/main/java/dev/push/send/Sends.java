package dev.push.send;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.push.channel.Outcome;
import dev.push.storage.PushDatabase;
import dev.push.storage.SharedRoundTrip;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

/**
 * The one writer of {@code sends}: one document per triggered send, keyed by its caller and {@code Idempotency-Key}
 * ({@code _id}), so that the database, not a lock in one process, decides which of two requests with the same key
 * sends: the first insert wins, every other one finds the winner's document. A send is {@code reserved} (durably,
 * with the coordination write concern) before any member is handed to a channel, and {@code done} with its outcomes
 * after; one never committed stays reserved and is never sent again.
 */
@ApplicationScoped
public class Sends {
    static final String RESERVED = "reserved";
    static final String DONE = "done";

    @Inject
    PushDatabase database;

    @Inject
    SendIds ids;

    MongoCollection<Document> coll() {
        return database.get(PushDatabase.SENDS);
    }

    /** The key's document: the caller and the key, together, so one caller's keys never answer another's sends. */
    static String keyOf(String caller, String idempotencyKey) {
        return caller + "\n" + idempotencyKey;
    }

    /** Writes of concurrent sends in one round trip ({@link SharedRoundTrip}); $in-sized, as every lookup on the path. */
    static final int TOGETHER = 100;

    private final SharedRoundTrip<Document, Boolean> reservations = new SharedRoundTrip<>(TOGETHER, this::insert);
    private final SharedRoundTrip<Committed, Boolean> commits = new SharedRoundTrip<>(TOGETHER, this::update);

    private record Committed(Object key, List<Outcome> outcomes) {
    }

    /**
     * Records the send as reserved, unless its key has a send already: then answers that send's document (and this
     * one must not be sent). Null when this one is now reserved.
     */
    Document reserve(Document send) {
        for (int attempt = 0; ; attempt++) {
            if (reservations.request(send)) {
                return null;
            }
            Document first = coll().find(Filters.eq("_id", send.get("_id"))).first();
            if (first != null) {
                return first;
            }
            if (attempt > 0) {
                throw new IllegalStateException("send " + send.get("_id") + ": its id was taken twice");
            }
            // The id, not the key, was taken (a sequence number given twice after a crash): once more with another.
            send.put("id", ids.next());
        }
    }

    /** Inserts the sends' documents, unordered: true for each one inserted, false for each whose key or id was taken. */
    private List<SharedRoundTrip.Result<Boolean>> insert(List<Document> sends) {
        List<SharedRoundTrip.Result<Boolean>> out = new ArrayList<>(sends.size());
        sends.forEach(d -> out.add(SharedRoundTrip.Result.of(true)));
        try {
            coll().insertMany(new ArrayList<>(sends), new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            refused(e, out, error -> error.getCategory() == ErrorCategory.DUPLICATE_KEY ? SharedRoundTrip.Result.of(false) : null);
        }
        return out;
    }

    /**
     * Records each member's outcome; the send is done. Acknowledged without waiting for the journal, as a campaign's
     * commit is ({@code CampaignChunks.COMMIT_CONCERN}): only the reservation must be durable before the channel is
     * called. A crash of the database that loses a commit leaves the send reserved: answered {@code unknown}, never
     * sent again — the same answer as a crash of the instance while the channel had it.
     */
    void commit(Object key, List<Outcome> outcomes) {
        commits.request(new Committed(key, outcomes));
    }

    private List<SharedRoundTrip.Result<Boolean>> update(List<Committed> done) {
        List<WriteModel<Document>> writes = new ArrayList<>(done.size());
        for (Committed c : done) {
            writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", c.key()), Filters.eq("state", RESERVED)),
                    Updates.combine(Updates.set("state", DONE), Updates.set("outcomes", outcomeDocuments(c.outcomes())))));
        }
        List<SharedRoundTrip.Result<Boolean>> out = new ArrayList<>(done.size());
        done.forEach(c -> out.add(SharedRoundTrip.Result.of(true)));
        try {
            coll().withWriteConcern(WriteConcern.W1).bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            refused(e, out, error -> null);
        }
        return out;
    }

    /**
     * Marks the items a bulk write refused: as {@code answer} says, or failed with the exception. When the write
     * concern was not met, every item fails (none is known durable).
     */
    private static void refused(MongoBulkWriteException e, List<SharedRoundTrip.Result<Boolean>> out,
                                Function<BulkWriteError, SharedRoundTrip.Result<Boolean>> answer) {
        if (e.getWriteConcernError() != null) {
            for (int i = 0; i < out.size(); i++) {
                out.set(i, SharedRoundTrip.Result.failed(e));
            }
        }
        for (BulkWriteError error : e.getWriteErrors()) {
            SharedRoundTrip.Result<Boolean> r = answer.apply(error);
            out.set(error.getIndex(), r != null ? r : SharedRoundTrip.Result.failed(e));
        }
    }

    /** Outcomes as stored: {member, state, reason?, retryable?}. */
    static List<Document> outcomeDocuments(List<Outcome> outcomes) {
        List<Document> out = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            Document d = new Document("member", o.memberId()).append("state", o.status().name().toLowerCase());
            if (o.reason() != null) {
                d.append("reason", o.reason());
            }
            if (o.status() == Outcome.Status.FAILED) {
                d.append("retryable", o.retryable());
            }
            out.add(d);
        }
        return out;
    }

    Document find(long id) {
        return coll().find(Filters.eq("id", id)).first();
    }

    /** Removes sends recorded before {@code before}, and with them their keys; answers how many. */
    long expire(Date before) {
        return coll().deleteMany(Filters.lt("at", before)).getDeletedCount();
    }
}
