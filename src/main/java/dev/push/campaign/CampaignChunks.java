package dev.push.campaign;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.push.channel.Outcome;
import dev.push.storage.PushDatabase;
import dev.push.task.Progress;
import dev.push.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The claim protocol and per-member push records ({@code campaign_chunks}). A worker claims
 * audience chunk {@code (s, k)} of campaign {@code c} by inserting {@code {_id: {c, s, k}}} with
 * itself as owner. Before sending a sub-batch it advances {@code reserved} under
 * {@code owner = me}; after sending it advances {@code committed} and records the outcomes. A
 * worker that takes a chunk over marks the members between committed and reserved as unknown
 * (possibly sent, never re-sent) and continues after reserved. So a member is pushed at most
 * once per campaign, whatever pauses, crashes or slow workers happen.
 */
@ApplicationScoped
public class CampaignChunks {
    /** Keys per {@code $in}. */
    static final int KEY_SLICE = 100;
    private final PushDatabase collections;

    @Inject
    public CampaignChunks(PushDatabase collections) {
        this.collections = collections;
    }

    /**
     * A commit is acknowledged without waiting for the journal: only a reservation must be durable before its
     * members are sent (never twice). The worker's next write — the next reservation, a claim, a checkpoint or
     * the unit's completion — is journaled, and a journaled write makes every earlier one durable with it (one
     * H2 commit and sync; one journal and one oplog on MongoDB). A crash of the database in between loses at most
     * the worker's last commit: those members were reserved, so they count unknown, never sent again. One sync
     * per sub-batch instead of two (docs/architecture.md, "Durable before sent").
     */
    static final WriteConcern COMMIT_CONCERN = WriteConcern.W1;

    MongoCollection<Document> coll() {
        return collections.get(PushDatabase.CAMPAIGN_CHUNKS);
    }

    public static Document key(long campaign, int shard, int k) {
        return new Document("c", campaign).append("s", shard).append("k", k);
    }

    /**
     * The filter {@code {_id: key, owner: owner, …}} as one flat document. The driver renders
     * {@code Filters.and} as {@code $and: […]}, which the embedded server cannot narrow by key and
     * answers with a scan of the whole collection; a flat filter with an exact {@code _id} is one
     * key lookup there, and means the same on a real MongoDB.
     */
    static Document held(Document key, Object owner) {
        return new Document("_id", key).append("owner", owner);
    }

    public Document find(long campaign, int shard, int k) {
        return find(key(campaign, shard, k));
    }

    /** The chunk record of {@code key}, or null. */
    public Document find(Document key) {
        return coll().find(Filters.eq("_id", key)).first();
    }

    /**
     * Adds to {@code out} the members a campaign's chunk record shows reached: those it has committed that are
     * neither failed nor skipped (sent, or unknown — maybe sent). {@code members}: the chunk's members in the order
     * the campaign sent them, unless the record keeps its own ({@link TimedChunk}). Nothing for a missing record.
     */
    static void reachedIn(Document record, List<String> members, java.util.Set<String> out) {
        if (record == null) {
            return;
        }
        TimedChunk timed = TimedChunk.of(record);
        List<String> order = timed != null ? timed.order() : members;
        java.util.Set<String> notReached = new java.util.HashSet<>();
        for (String list : List.of("failed", "skipped")) {
            record.getList(list, Document.class, List.of()).forEach(d -> notReached.add(d.getString("m")));
        }
        int committed = Math.min(record.getInteger("committed", 0), order.size());
        for (int i = 0; i < committed; i++) {
            if (!notReached.contains(order.get(i))) {
                out.add(order.get(i));
            }
        }
    }

    /** Chunk records by key, in the given order; missing ones are null. */
    public List<Document> findAll(List<Document> keys) {
        List<Document> found = coll().find(Filters.in("_id", keys)).into(new ArrayList<>());
        List<Document> out = new ArrayList<>(keys.size());
        for (Document k : keys) {
            Document match = null;
            for (Document d : found) {
                if (k.equals(d.get("_id"))) {
                    match = d;
                    break;
                }
            }
            out.add(match);
        }
        return out;
    }

    /**
     * Claims a chunk for {@code me}: a new claim, or a take-over of an earlier holder's (the
     * caller holds the shard's lease, so the earlier holder is dead, fenced or from an earlier
     * run). Answers the record as it stands after the claim; {@code ids} are the chunk's members.
     */
    public Document claim(long campaign, int shard, int k, String me, List<String> ids) {
        return claim(campaign, shard, k, me, ids, 0);
    }

    /**
     * {@link #claim(long, int, int, String, List)} that, when the claim is new, also reserves positions
     * {@code [0, ahead)}: the chunk's first sub-batch, reserved in the claim's own (journaled) write instead of a
     * second one. A take-over reserves nothing ahead: its record's {@code reserved} equals {@code committed}.
     */
    public Document claim(long campaign, int shard, int k, String me, List<String> ids, int ahead) {
        return claim(campaign, shard, k, me, ids, ahead, null);
    }

    /**
     * {@link #claim(long, int, int, String, List, int)} whose new record also keeps {@code arranged} (a timed
     * campaign's delivery order, {@link TimedChunk}); a take-over marks unknown the members of the record's own order.
     */
    public Document claim(long campaign, int shard, int k, String me, List<String> ids, int ahead, Document arranged) {
        Document key = key(campaign, shard, k);
        try {
            Document fresh = fresh(key, me, ids.size(), ahead);
            if (arranged != null) {
                fresh.putAll(arranged);
            }
            coll().insertOne(fresh);
            return fresh;
        } catch (MongoWriteException e) {
            if (e.getError().getCode() != 11000) {
                throw e;
            }
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            Document seen = coll().find(Filters.eq("_id", key)).first();
            if (me.equals(seen.getString("owner"))) {
                return seen;
            }
            Document taken = coll().findOneAndUpdate(
                    held(key, seen.get("owner")),
                    Updates.set("owner", me), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (taken == null) {
                continue;
            }
            int committed = taken.getInteger("committed");
            int reserved = taken.getInteger("reserved");
            if (reserved > committed) {
                List<String> order = taken.get("order") instanceof List<?> kept ? kept.stream().map(String.class::cast).toList() : ids;
                List<String> unknown = order.subList(committed, reserved);
                Document marked = coll().findOneAndUpdate(
                        held(key, me),
                        Updates.combine(Updates.set("committed", reserved), Updates.inc("nUnknown", unknown.size()),
                                Updates.pushEach("unknown", new ArrayList<>(unknown))),
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
                if (marked == null) {
                    continue;
                }
                return marked;
            }
            return taken;
        }
        throw new IllegalStateException("chunk " + key.toJson() + " keeps changing hands");
    }

    /**
     * Claims several chunks that no one has claimed yet, each with all its members reserved, in one write (one
     * journaled insert of many documents): small chunks sent together as one sub-batch. True when every claim was
     * new; false when any chunk had a record already — then the chunks must go one by one through
     * {@link #claim}, which finds those claimed here this worker's, reserved whole.
     */
    public boolean claimWhole(List<Document> keys, String me, List<List<String>> members) {
        List<Document> fresh = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            int size = members.get(i).size();
            fresh.add(fresh(keys.get(i), me, size, size));
        }
        try {
            coll().insertMany(fresh, new InsertManyOptions().ordered(false));
            return true;
        } catch (MongoBulkWriteException e) {
            if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != 11000)) {
                throw e;
            }
            return false;
        }
    }

    /** A new claim's record: {@code me} holds a chunk of {@code size} members, {@code [0, reserved)} reserved. */
    private static Document fresh(Document key, String me, int size, int reserved) {
        return new Document("_id", key).append("owner", me).append("size", size)
                .append("reserved", reserved).append("committed", 0)
                .append("nSent", 0).append("nFailed", 0).append("nSkipped", 0).append("nUnknown", 0).append("nExpired", 0)
                .append("failed", new ArrayList<>()).append("skipped", new ArrayList<>())
                .append("unknown", new ArrayList<>());
    }

    /** Reserves positions [from, to) for sending; false when this worker was fenced off. */
    public boolean reserve(Document key, String me, int from, int to) {
        return coll().updateOne(held(key, me).append("reserved", from), Updates.set("reserved", to)).getMatchedCount() == 1;
    }

    /**
     * Records a sent sub-batch's outcomes and advances committed from {@code from} to {@code to};
     * false when fenced off. Matching {@code committed = from} makes a repeat after a lost answer
     * match nothing rather than count the outcomes twice. Written with {@link #COMMIT_CONCERN}.
     */
    public boolean commit(Document key, String me, int from, int to, List<Outcome> outcomes) {
        return commit(key, me, from, to, outcomes, null);
    }

    /** {@link #commit(Document, String, int, int, List)} of an A/B campaign, counting members sent per variant too. */
    public boolean commit(Document key, String me, int from, int to, List<Outcome> outcomes, ToIntFunction<String> variantOf) {
        return coll().withWriteConcern(COMMIT_CONCERN)
                .updateOne(committing(key, me, from, to), recording(to, outcomes, variantOf))
                .getMatchedCount() == 1;
    }

    /**
     * Commits chunks claimed together ({@link #claimWhole}), each whole ({@code [0, size)}), in one request; false
     * when any of them did not match (fenced off, or a repeat of a commit that went through).
     */
    public boolean commitWhole(List<Document> keys, String me, List<Integer> sizes, List<List<Outcome>> outcomes) {
        List<UpdateOneModel<Document>> commits = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            commits.add(new UpdateOneModel<>(committing(keys.get(i), me, 0, sizes.get(i)),
                    recording(sizes.get(i), outcomes.get(i), null)));
        }
        return coll().withWriteConcern(COMMIT_CONCERN).bulkWrite(commits, new BulkWriteOptions().ordered(false))
                .getMatchedCount() == keys.size();
    }

    /** A commit's filter: the holder's, at the positions its reservation left. */
    private static Document committing(Document key, String me, int from, int to) {
        return held(key, me).append("committed", from).append("reserved", to);
    }

    /** A commit's update: committed moves to {@code to}, the outcomes are recorded and counted. */
    private static Bson recording(int to, List<Outcome> outcomes, ToIntFunction<String> variantOf) {
        int sent = 0;
        List<Document> failed = new ArrayList<>();
        List<Document> skipped = new ArrayList<>();
        Map<String, Integer> sentByVariant = new HashMap<>();
        List<Document> devices = new ArrayList<>();
        for (Outcome o : outcomes) {
            for (Outcome.OfDevice d : o.devices()) {
                devices.add(deviceRecord(o.memberId(), d));
            }
            switch (o.status()) {
                case SENT -> {
                    sent++;
                    if (variantOf != null) {
                        sentByVariant.merge(sentOf(variantOf.applyAsInt(o.memberId())), 1, Integer::sum);
                    }
                }
                case FAILED -> failed.add(new Document("m", o.memberId()).append("r", o.reason()).append("x", o.retryable()));
                case SKIPPED -> skipped.add(new Document("m", o.memberId()).append("r", o.reason()));
            }
        }
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set("committed", to));
        updates.add(Updates.inc("nSent", sent));
        sentByVariant.forEach((field, count) -> updates.add(Updates.inc(field, count)));
        if (!failed.isEmpty()) {
            updates.add(Updates.inc("nFailed", failed.size()));
            updates.add(Updates.pushEach("failed", failed));
        }
        if (!skipped.isEmpty()) {
            updates.add(Updates.inc("nSkipped", skipped.size()));
            updates.add(Updates.pushEach("skipped", skipped));
        }
        if (!devices.isEmpty()) {
            updates.add(Updates.pushEach("devices", devices));
        }
        return Updates.combine(updates);
    }

    /** A device's outcome in a chunk record: {@code {m: member, d: device, s: "sent"|"failed"|"skipped", r?: reason}}. */
    static Document deviceRecord(String member, Outcome.OfDevice d) {
        Document doc = new Document("m", member).append("d", d.device()).append("s", d.status().name().toLowerCase());
        return d.reason() == null ? doc : doc.append("r", d.reason());
    }

    /**
     * Records positions [from, to) as expired ({@link Expiry}): counted, kept as one range {@code [from, to]} of
     * {@code expired}, committed; false when fenced off. Guarded like {@link #commit}.
     */
    public boolean expire(Document key, String me, int from, int to) {
        return coll().withWriteConcern(COMMIT_CONCERN)
                .updateOne(held(key, me).append("committed", from).append("reserved", to), Updates.combine(
                        Updates.set("committed", to), Updates.inc("nExpired", to - from),
                        Updates.push("expired", List.of(from, to))))
                .getMatchedCount() == 1;
    }

    /** The counter of members sent variant {@code v} of an A/B campaign. */
    static String sentOf(int variant) {
        return "nSentV" + variant;
    }

    /** The keys of a campaign's chunk records: one per chunk of its audience, shard by shard. */
    static List<Document> keys(long campaign, Task audience) {
        List<Document> keys = new ArrayList<>();
        for (int s = 0; s < audience.shards; s++) {
            for (int k = 0; k < audience.layout.get(s); k++) {
                keys.add(key(campaign, s, k));
            }
        }
        return keys;
    }

    /** Members sent each variant 1..{@code variants} of an A/B campaign: its records' counters summed, read by key. */
    public long[] sentPerVariant(long campaign, Task audience, int variants) {
        long[] sent = new long[variants + 1];
        if (audience == null || audience.layout == null) {
            return sent;
        }
        List<Document> keys = keys(campaign, audience);
        List<String> fields = new ArrayList<>();
        for (int v = 1; v <= variants; v++) {
            fields.add(sentOf(v));
        }
        for (int from = 0; from < keys.size(); from += KEY_SLICE) {
            for (Document d : coll().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + KEY_SLICE))))
                    .projection(Projections.include(fields))) {
                for (int v = 1; v <= variants; v++) {
                    sent[v] += d.get(sentOf(v)) instanceof Number n ? n.longValue() : 0;
                }
            }
        }
        return sent;
    }

    /** The counters a chunk record holds. */
    public static Progress counts(Document record) {
        Progress p = new Progress();
        p.sent = record.getInteger("nSent", 0);
        p.failed = record.getInteger("nFailed", 0);
        p.skipped = record.getInteger("nSkipped", 0);
        p.unknown = record.getInteger("nUnknown", 0);
        p.expired = record.getInteger("nExpired", 0);
        p.processed = p.sent + p.failed + p.skipped + p.unknown + p.expired;
        return p;
    }
}
