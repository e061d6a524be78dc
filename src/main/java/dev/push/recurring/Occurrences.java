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
        return PushDatabase.insertIfAbsent(coll(), occurrence);
    }

    void ran(String key, long run) {
        coll().updateOne(Filters.eq("_id", key), Updates.set("run", run));
    }

    /** Records the run and the audience being rebuilt for it; the run waits ({@code building}) until it is built. */
    void building(String key, long run, long audience) {
        coll().updateOne(Filters.eq("_id", key), Updates.combine(Updates.set("run", run), Updates.set("audience", audience),
                Updates.set("building", true)));
    }

    /** Ends the wait of a run for its audience; true for the one caller whose change it was. */
    boolean built(String key) {
        return coll().updateOne(Filters.and(Filters.eq("_id", key), Filters.eq("building", true)), Updates.unset("building"))
                .getMatchedCount() == 1;
    }

    /** Occurrences whose run waits for its audience's build. */
    List<Document> building() {
        return coll().find(Filters.eq("building", true)).into(new ArrayList<>());
    }

    void failed(String key, String reason) {
        coll().updateOne(Filters.eq("_id", key), Updates.set("reason", reason));
    }

    /** The runs of a recurring campaign's occurrences at or after {@code from} and before {@code before}. */
    List<Long> runsSince(long campaign, Instant from, Instant before) {
        List<Long> out = new ArrayList<>();
        coll().find(Filters.and(Filters.eq("campaign", campaign), Filters.gte("at", java.util.Date.from(from)),
                Filters.lt("at", java.util.Date.from(before)))).forEach(o -> {
            if (o.get("run") instanceof Long run) {
                out.add(run);
            }
        });
        return out;
    }

    /** A recurring campaign's occurrences, newest first. */
    List<Document> of(long campaign, int limit) {
        return coll().find(Filters.eq("campaign", campaign)).sort(Sorts.descending("at")).limit(limit).into(new ArrayList<>());
    }
}
