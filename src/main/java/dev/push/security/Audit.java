package dev.push.security;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.push.api.ApiException;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** The {@code audit} collection: who changed what, when, and the state before and after where it is cheap. */
@ApplicationScoped
public class Audit {
    public static final String COLLECTION = "audit";
    private static final Logger LOG = Logger.getLogger(Audit.class);

    @Inject
    PushDatabase collections;

    public record Entry(String id, Date at, String actor, String action, String target, Object before, Object after) {
    }

    public void record(String actor, String action, String target, Map<String, ?> before, Map<String, ?> after) {
        try {
            collections.get(COLLECTION).insertOne(new Document("at", new Date()).append("actor", actor)
                    .append("action", action).append("target", target)
                    .append("before", before == null ? null : new Document(before))
                    .append("after", after == null ? null : new Document(after)));
        } catch (RuntimeException e) {
            LOG.warnf("audit entry not written (%s %s by %s): %s", action, target, actor, e.toString());
        }
    }

    /** Removes the entries older than {@code before}; answers how many. */
    public long expire(Date before) {
        return collections.get(COLLECTION).deleteMany(Filters.lt("at", before)).getDeletedCount();
    }

    /**
     * Entries matching the filters, oldest or newest first (by time, then id: ids break ties of the
     * same millisecond); {@code before}, an entry's id, keeps only the entries older than it.
     */
    public List<Entry> find(String actor, String target, Date after, String before, boolean newest, int limit) {
        List<Bson> f = new ArrayList<>();
        if (actor != null && !actor.isBlank()) {
            f.add(Filters.eq("actor", actor));
        }
        if (target != null && !target.isBlank()) {
            f.add(Filters.eq("target", target));
        }
        if (after != null) {
            f.add(Filters.gt("at", after));
        }
        if (before != null) {
            Document cursor = ObjectId.isValid(before) ? collections.get(COLLECTION).find(Filters.eq("_id", new ObjectId(before))).first() : null;
            if (cursor == null) {
                throw ApiException.badRequest("before", "must be the id of an audit entry");
            }
            f.add(Filters.or(Filters.lt("at", cursor.getDate("at")),
                    Filters.and(Filters.eq("at", cursor.getDate("at")), Filters.lt("_id", cursor.getObjectId("_id")))));
        }
        Bson order = newest ? Sorts.descending("at", "_id") : Sorts.ascending("at", "_id");
        List<Entry> out = new ArrayList<>();
        collections.get(COLLECTION).find(f.isEmpty() ? new Document() : Filters.and(f)).sort(order)
                .limit(limit).forEach(d -> out.add(new Entry(d.getObjectId("_id").toHexString(), d.getDate("at"),
                        d.getString("actor"), d.getString("action"), d.getString("target"), d.get("before"), d.get("after"))));
        return out;
    }
}
