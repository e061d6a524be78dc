package dev.push.fatigue;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.push.member.Shards;
import dev.push.storage.CoordinationConcern;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code cap_slots} collection, its one writer: per member and policy scope, the instants of the recent pushes
 * that count toward the cap, newest first, and a version, {@code {_id: "<category>:<channel or *>|<shard>|<member>", v,
 * at: [Date…]}}.
 * <p>
 * A push takes a slot before it is handed to the channel, without reading: one upsert a member whose filter is the
 * rule, so the database decides and records each push in one atomic write (a sub-batch's writes go in one bulk). A
 * member whose write did not match (the rule caps it, its state needs pruning, or another instance inserted its first
 * state at the same moment) fails on the unique {@code _id}, since the upsert then tries to insert the id; those
 * members are read by key ({@code $in} in slices) and decided again, each with one write that matches only the version
 * read (or an insert on the unique {@code _id}), which also drops the instants older than the longest window. A write
 * that loses to another writer's fails the same way and its member is read and decided again. So two instances never
 * both take the last slot; a crash after the write only spends a slot. A slot is given back the same way: one instant
 * equal to the taking's is dropped by a write that matches the version read.
 */
@ApplicationScoped
public class CapSlots {
    public static final String COLLECTION = "cap_slots";
    /**
     * Lookups go in slices: {@code $in} over 1,000 keys cost ~22 times one over 100 on the embedded server while it matched
     * every found document against every id again; since it matches only the rest of the filter (KeyLookup.withoutExactIds)
     * that reason is gone, and the slice size is not measured again.
     */
    static final int SLICE = 100;
    private static final int DUPLICATE_KEY = 11000;
    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final PushDatabase database;
    /** Writes that lost to another writer's (re-read and decided again), since start: read by tests and the docs. */
    private final AtomicLong conflicts = new AtomicLong();

    @Inject
    public CapSlots(PushDatabase database) {
        this.database = database;
    }

    /**
     * Pinned like the claim protocol's records: a slot is acknowledged only once it is journaled, so a database crash
     * after a push was handed to its channel cannot lose the slot that push took.
     */
    private MongoCollection<Document> slots() {
        return CoordinationConcern.pin(database.get(COLLECTION));
    }

    /**
     * The member's shard (two hex digits) ahead of its id: a sub-batch's members share one audience shard, so their
     * states sit side by side in the key order, and a sub-batch's writes change a few pages of the embedded store
     * instead of one page a member, each rewritten whole at the commit (docs/benchmarks.md §14).
     */
    static String key(CapPolicy policy, String member) {
        int shard = Shards.of(member, Shards.DEFAULT_COUNT);
        return policy.id() + "|" + HEX[shard >> 4] + HEX[shard & 15] + "|" + member;
    }

    /** The instants of the pushes a state holds, newest first. */
    static final String FIELD = "at";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Writes that found another writer's version and were decided again, since this instance started. */
    public long conflicts() {
        return conflicts.get();
    }

    /**
     * Takes a slot under {@code policy} at {@code now} for each of {@code members} the rule allows (for every one when
     * {@code critical}); answers the members that were capped, who take none.
     */
    public Set<String> take(CapPolicy policy, List<String> members, boolean critical, Instant now) {
        Set<String> capped = new HashSet<>();
        decide(policy, takenWhereAllowed(policy, members, critical, now), (m, sent) -> {
            if (!critical && !FrequencyCapped.allows(policy, sent, now)) {
                capped.add(m);
                return null;
            }
            return FrequencyCapped.withPushAt(policy, sent, now);
        });
        return capped;
    }

    /**
     * Takes the slots without reading: one upsert a member whose filter is the rule ({@link FrequencyCapped#allowing}),
     * adding the push in order, newest first. A member the rule caps, or whose state holds more than
     * {@link #unpruned} pushes, fails it on the unique {@code _id} (the upsert tries to insert the id it did not
     * match) and is answered, to be read and decided ({@link #decide}); so are the losers of two first pushes at once.
     */
    private List<String> takenWhereAllowed(CapPolicy policy, List<String> members, boolean critical, Instant now) {
        BsonDocument rule = new BsonDocument(FIELD + "." + unpruned(policy), new BsonDocument("$exists", BsonBoolean.FALSE));
        if (!critical) {
            FrequencyCapped.allowing(policy, FIELD, now, rule);
        }
        BsonDocument push = new BsonDocument("$push", new BsonDocument(FIELD, new BsonDocument("$each",
                new BsonArray(List.of(new BsonDateTime(now.toEpochMilli())))).append("$sort", new BsonInt32(-1))))
                .append("$inc", new BsonDocument("v", new BsonInt64(1)));
        List<WriteModel<Document>> writes = new ArrayList<>(members.size());
        for (String m : members) {
            BsonDocument filter = new BsonDocument("_id", new BsonString(key(policy, m)));
            filter.putAll(rule);
            writes.add(new UpdateOneModel<>(filter, push, UPSERT));
        }
        return lost(writes, members);
    }

    /**
     * Pushes a state may hold before a write that reads it drops those outside the longest window: twice the largest
     * limit, so most states are written without being read.
     */
    static int unpruned(CapPolicy policy) {
        int most = 0;
        for (CapPolicy.Limit l : policy.limits()) {
            most = Math.max(most, l.max());
        }
        return 2 * most + 2;
    }

    /** Drops one slot taken at {@code at} from each of {@code members}' states (a member without one is left as it is). */
    public void giveBack(CapPolicy policy, List<String> members, Instant at) {
        Date taken = Date.from(at);
        decide(policy, members, (m, sent) -> {
            List<Date> rest = new ArrayList<>(sent);
            return rest.remove(taken) ? rest : null;
        });
    }

    /**
     * Reads the members' states by key and writes the instants {@code change} answers for each (null: no write), each
     * write matching the version read; members whose write lost to another writer's are read and decided again.
     */
    private void decide(CapPolicy policy, List<String> members, BiFunction<String, List<Date>, List<Date>> change) {
        List<String> pending = members;
        while (!pending.isEmpty()) {
            Map<String, Document> states = read(policy, pending);
            List<WriteModel<Document>> writes = new ArrayList<>(pending.size());
            List<String> writers = new ArrayList<>(pending.size());
            for (String m : pending) {
                Document state = states.get(key(policy, m));
                List<Date> sent = state == null ? List.of() : state.getList(FIELD, Date.class, List.of());
                List<Date> at = change.apply(m, sent);
                if (at == null) {
                    continue;
                }
                if (state == null) {
                    writes.add(new InsertOneModel<>(new Document("_id", key(policy, m)).append("v", 1L).append(FIELD, at)));
                } else {
                    long v = ((Number) state.get("v")).longValue();
                    // A flat filter: the embedded server finds it by _id, and an upsert that misses inserts this _id.
                    writes.add(new UpdateOneModel<>(new Document("_id", key(policy, m)).append("v", v),
                            Updates.combine(Updates.set("v", v + 1), Updates.set(FIELD, at)), UPSERT));
                }
                writers.add(m);
            }
            pending = lost(writes, writers);
            conflicts.addAndGet(pending.size());
        }
    }

    /** The members whose write did not match (the version read, or the rule): its upsert hit the unique {@code _id}. */
    private List<String> lost(List<WriteModel<Document>> writes, List<String> writers) {
        if (writes.isEmpty()) {
            return List.of();
        }
        try {
            slots().bulkWrite(writes, UNORDERED);
            return List.of();
        } catch (MongoBulkWriteException e) {
            List<String> again = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY) {
                    throw e;
                }
                again.add(writers.get(error.getIndex()));
            }
            return again;
        }
    }

    private Map<String, Document> read(CapPolicy policy, List<String> members) {
        Map<String, Document> found = new HashMap<>(members.size() * 2);
        List<String> keys = new ArrayList<>(members.size());
        members.forEach(m -> keys.add(key(policy, m)));
        for (int from = 0; from < keys.size(); from += SLICE) {
            for (Document d : slots().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + SLICE))))) {
                found.put(d.getString("_id"), d);
            }
        }
        return found;
    }
}
