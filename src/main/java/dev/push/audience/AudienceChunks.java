package dev.push.audience;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of built audiences ({@code audience_chunks}): per shard a run of chunks
 * {@code _id = {a, s, k}} of up to {@link #SIZE} member ids, k counting up from 0, each member
 * once per audience. Readers go by key; the audience's layout says how many chunks a shard has.
 */
@ApplicationScoped
public class AudienceChunks {
    public static final int SIZE = 1000;
    static final int WRITE_BATCH = 64;

    @Inject
    PushDatabase collections;

    MongoCollection<Document> coll() {
        return collections.get(PushDatabase.AUDIENCE_CHUNKS);
    }

    public static Document key(long audience, int shard, int k) {
        return new Document("a", audience).append("s", shard).append("k", k);
    }

    /** The ids of one chunk, or an empty list when it does not exist. */
    @SuppressWarnings("unchecked")
    public List<String> read(long audience, int shard, int k) {
        Document d = coll().find(Filters.eq("_id", key(audience, shard, k))).first();
        return d == null ? List.of() : (List<String>) d.get("ids");
    }

    /** Chunk {@code k} of shard {@code shard}. */
    public record At(int shard, int k) {
    }

    /** The ids of each of these chunks, in the order given (an empty list for one that does not exist), read by key in one query. */
    @SuppressWarnings("unchecked")
    public List<List<String>> read(long audience, List<At> chunks) {
        List<Document> keys = chunks.stream().map(c -> key(audience, c.shard(), c.k())).toList();
        Map<At, List<String>> found = new HashMap<>();
        for (Document d : coll().find(Filters.in("_id", keys))) {
            Document id = (Document) d.get("_id");
            found.put(new At(id.getInteger("s"), id.getInteger("k")), (List<String>) d.get("ids"));
        }
        return chunks.stream().map(c -> found.getOrDefault(c, List.of())).toList();
    }

    /** All ids of one shard of a built audience, in chunk order. */
    public List<String> readShard(long audience, int shard, int chunks) {
        return readShards(audience, shard, List.of(chunks)).get(0);
    }

    /**
     * All ids of consecutive shards from {@code firstShard} of a built audience, {@code chunks} each: per shard
     * its ids in chunk order, read by key in slices of 100 over all of them.
     */
    public List<List<String>> readShards(long audience, int firstShard, List<Integer> chunks) {
        List<Document> keys = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            for (int k = 0; k < chunks.get(i); k++) {
                keys.add(key(audience, firstShard + i, k));
            }
        }
        return idsByShard(coll(), keys, firstShard, chunks.size());
    }

    /**
     * The ids of the chunks with these keys ({@code s} from {@code firstShard}, {@code shards} of them), per shard
     * in chunk order, read by key in slices of 100 (staged chunks have the same shape).
     */
    @SuppressWarnings("unchecked")
    static List<List<String>> idsByShard(MongoCollection<Document> coll, List<Document> keys, int firstShard, int shards) {
        List<Document> docs = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 100) {
            coll.find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + 100)))).into(docs);
        }
        docs.sort(Comparator.comparing((Document d) -> ((Document) d.get("_id")).getInteger("s"))
                .thenComparing(d -> ((Document) d.get("_id")).getInteger("k")));
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            out.add(new ArrayList<>());
        }
        for (Document d : docs) {
            out.get(((Document) d.get("_id")).getInteger("s") - firstShard).addAll((List<String>) d.get("ids"));
        }
        return out;
    }

    /** Where a member is in a built audience: shard, chunk, index in the chunk, and that chunk's ids. */
    public record Position(int shard, int chunk, int index, List<String> ids) {
    }

    /**
     * Where a member is in a built audience of {@code shards} shards ({@code layout}: chunks per shard), or null when
     * it is not in it: reads the chunks of the member's shard by key until it is found.
     */
    public Position locate(long audience, int shards, List<Integer> layout, String member) {
        int s = dev.push.member.Shards.of(member, shards);
        for (int k = 0; k < layout.get(s); k++) {
            List<String> ids = read(audience, s, k);
            int i = ids.indexOf(member);
            if (i >= 0) {
                return new Position(s, k, i, ids);
            }
        }
        return null;
    }

    /**
     * Writes a shard's ids as chunks 0..n-1, replacing what an earlier attempt left; answers
     * the number of chunks.
     */
    public int writeShard(long audience, int shard, List<String> ids) {
        return writeShards(audience, shard, List.of(ids)).get(0);
    }

    /**
     * Writes the ids of consecutive shards from {@code firstShard} as chunks 0..n-1 of each, replacing what an
     * earlier attempt left, in writes of up to {@link #WRITE_BATCH} chunks over all of them; answers the number of
     * chunks of each shard.
     */
    public List<Integer> writeShards(long audience, int firstShard, List<List<String>> idsPerShard) {
        List<Document> batch = new ArrayList<>();
        List<Integer> written = new ArrayList<>(idsPerShard.size());
        for (int i = 0; i < idsPerShard.size(); i++) {
            List<String> ids = idsPerShard.get(i);
            int k = 0;
            for (int from = 0; from < ids.size(); from += SIZE, k++) {
                batch.add(chunk(audience, firstShard + i, k, ids.subList(from, Math.min(ids.size(), from + SIZE))));
                if (batch.size() == WRITE_BATCH) {
                    write(batch);
                }
            }
            written.add(k);
        }
        write(batch);
        return written;
    }

    static Document chunk(long audience, int shard, int k, List<String> ids) {
        return new Document("_id", key(audience, shard, k)).append("ids", new ArrayList<>(ids));
    }

    /**
     * Writes chunks, replacing any left by an earlier attempt at the same build, safe to repeat and
     * to meet a stale writer of the same keys: an unordered insert, then each key that already
     * existed replaced by key, or inserted again if it was deleted meanwhile. (Not an upsert by an
     * embedded-document key: on the embedded H2 backend that left chunks its key index could not
     * find again.)
     */
    void write(List<Document> batch) {
        write(coll(), batch);
    }

    static void write(MongoCollection<Document> coll, List<Document> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Document> existing = new ArrayList<>();
        try {
            coll.insertMany(new ArrayList<>(batch), new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                existing.add(batch.get(error.getIndex()));
            }
        }
        replaceAll(coll, existing);
        batch.clear();
    }

    /** Writes chunks the caller knows it stored before: replaced outright, in one bulk write (inserted if gone meanwhile). */
    void rewrite(List<Document> batch) {
        replaceAll(coll(), batch);
    }

    /**
     * Replaces chunks that existed, in one unordered bulk write (a query scan rewrites every open
     * chunk at each checkpoint); one by one when some were deleted meanwhile.
     */
    private static void replaceAll(MongoCollection<Document> coll, List<Document> existing) {
        if (existing.isEmpty()) {
            return;
        }
        List<ReplaceOneModel<Document>> replacements = new ArrayList<>();
        for (Document chunk : existing) {
            replacements.add(new ReplaceOneModel<>(Filters.eq("_id", chunk.get("_id")), chunk));
        }
        if (coll.bulkWrite(replacements, new BulkWriteOptions().ordered(false)).getMatchedCount() == existing.size()) {
            return;
        }
        for (Document chunk : existing) {
            replace(coll, chunk);
        }
    }

    private static void replace(MongoCollection<Document> coll, Document chunk) {
        for (int attempt = 0; ; attempt++) {
            if (coll.replaceOne(Filters.eq("_id", chunk.get("_id")), chunk).getMatchedCount() == 1) {
                return;
            }
            try {
                coll.insertOne(chunk);
                return;
            } catch (MongoWriteException e) {
                // Written again by another writer between the two: replace that.
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Which of these chunk keys exist, read by key in slices of ~100. */
    List<Document> existing(List<Document> keys) {
        List<Document> out = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 100) {
            for (Document d : coll().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + 100))))
                    .projection(new Document("_id", 1))) {
                out.add((Document) d.get("_id"));
            }
        }
        return out;
    }

    /** Removes the chunks with these keys. */
    void delete(List<Document> keys) {
        PushDatabase.deleteByKeys(coll(), keys);
    }

    /** Removes chunks {@code from} up to {@code to} (exclusive) of one shard, left over when the shard shrank. */
    void deleteShardFrom(long audience, int shard, int from, int to) {
        List<Document> keys = new ArrayList<>();
        for (int k = from; k < to; k++) {
            keys.add(key(audience, shard, k));
        }
        PushDatabase.deleteByKeys(coll(), keys);
    }

    /** Removes every chunk of an audience, by key. */
    public void delete(long audience, List<Integer> layout) {
        if (layout == null) {
            return;
        }
        List<Document> keys = new ArrayList<>();
        for (int s = 0; s < layout.size(); s++) {
            for (int k = 0; k < layout.get(s); k++) {
                keys.add(key(audience, s, k));
            }
        }
        PushDatabase.deleteByKeys(coll(), keys);
    }
}
