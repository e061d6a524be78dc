package dev.push.recurring;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.push.storage.CoordinationConcern;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one writer of {@code occurrences}: what was decided for each scheduled instant of a recurring campaign,
 * <pre>{_id: "campaign@instant", campaign, at, outcome, missed, by, decidedAt, run?, reason?}</pre>
 * The {@code _id} is the uniqueness: the master whose insert wins decides the instant, every other insert for it
 * fails on the duplicate key, so an instant has one outcome and at most one run across the cluster and restarts —
 * no lock that could expire.
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

    /** Records the decision; false when the instant was decided already (by this master or another). */
    boolean decide(Document occurrence) {
        try {
            coll().insertOne(occurrence);
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    void ran(String key, long run) {
        coll().updateOne(Filters.eq("_id", key), Updates.set("run", run));
    }

    void failed(String key, String reason) {
        coll().updateOne(Filters.eq("_id", key), Updates.set("reason", reason));
    }

    /** A recurring campaign's occurrences, newest first. */
    List<Document> of(long campaign, int limit) {
        return coll().find(Filters.eq("campaign", campaign)).sort(Sorts.descending("at")).limit(limit).into(new ArrayList<>());
    }
}
