package dev.push.recurring;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The one writer of {@code recurrences}: one document per recurring campaign,
 * <pre>{_id: campaign id, cron, zone, missed: "run"|"skip", next: the next occurrence not yet decided (absent while
 * paused), skip: an occurrence the operator skipped, or absent, by, at}</pre>
 * Masters find the due ones by {@code next}; moving {@code next} on is a compare-and-set, so every master that
 * decided (or found decided) an occurrence moves it to the same place, once.
 */
@ApplicationScoped
public class Recurrences {
    static final String COLLECTION = "recurrences";

    @Inject
    PushDatabase database;

    private MongoCollection<Document> coll() {
        return database.get(COLLECTION);
    }

    void save(Document recurrence) {
        coll().replaceOne(Filters.eq("_id", recurrence.get("_id")), recurrence, new ReplaceOptions().upsert(true));
    }

    Document find(long campaign) {
        return coll().find(Filters.eq("_id", campaign)).first();
    }

    boolean delete(long campaign) {
        return coll().deleteOne(Filters.eq("_id", campaign)).getDeletedCount() == 1;
    }

    /** Recurring campaigns whose next occurrence has come. */
    List<Document> due(Date now) {
        return coll().find(Filters.lte("next", now)).into(new ArrayList<>());
    }

    /** Moves {@code next} from {@code from} to {@code to}, unless another master already did; a past skip goes. */
    void advance(long campaign, Date from, Date to) {
        Bson next = to == null ? Updates.unset("next") : Updates.set("next", to);
        coll().updateOne(Filters.and(Filters.eq("_id", campaign), Filters.eq("next", from)), next);
        coll().updateOne(Filters.and(Filters.eq("_id", campaign), Filters.lte("skip", from)), Updates.unset("skip"));
    }

    /** Pauses (no next occurrence) or resumes at {@code next}. */
    boolean setNext(long campaign, Date next) {
        Bson change = next == null ? Updates.unset("next") : Updates.set("next", next);
        return coll().updateOne(Filters.eq("_id", campaign), change).getMatchedCount() == 1;
    }

    /** Skips the occurrence at {@code at} (the next one): it will be recorded, not run. */
    boolean skip(long campaign, Date at) {
        return coll().updateOne(Filters.eq("_id", campaign), Updates.set("skip", at)).getMatchedCount() == 1;
    }
}
