package dev.push.audience;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.push.storage.PushDatabase;
import dev.push.member.Shards;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Member ids given for an audience (an inline list or an uploaded file) before the build:
 * routed to their shard as they stream in and written as chunks {@code _id = {a, u, s, k}} of
 * upload {@code u}, duplicates and all. Only a shard's chunks are ever in memory at once, so an
 * upload of any size streams through with bounded memory; the build de-duplicates shard by shard.
 */
@ApplicationScoped
public class AudienceStaging {
    static final int PENDING_CHUNKS = 64;

    @Inject
    PushDatabase collections;

    MongoCollection<Document> coll() {
        return collections.get(PushDatabase.AUDIENCE_STAGING);
    }

    static Document key(long audience, int upload, int shard, int k) {
        return new Document("a", audience).append("u", upload).append("s", shard).append("k", k);
    }

    /**
     * A number of its own for every staging of ids (a list, each upload attempt, each op
     * re-staging): an attempt cut off midway, or two at once, never share staged chunks.
     */
    public int nextUpload() {
        return (int) collections.nextId("staging-upload");
    }

    public Writer writer(long audience, int upload, int shards) {
        return new Writer(audience, upload, shards);
    }

    public List<String> readShard(long audience, int upload, int shard, int chunks) {
        return readShards(audience, upload, shard, List.of(chunks)).get(0);
    }

    /**
     * The staged ids of consecutive shards from {@code firstShard}, {@code chunks} staged chunks each: per shard
     * its ids in chunk order, read by key in slices of 100 over all of them (a few shards of one chunk each are
     * one read).
     */
    public List<List<String>> readShards(long audience, int upload, int firstShard, List<Integer> chunks) {
        List<Document> keys = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            for (int k = 0; k < chunks.get(i); k++) {
                keys.add(key(audience, upload, firstShard + i, k));
            }
        }
        return AudienceChunks.idsByShard(coll(), keys, firstShard, chunks.size());
    }

    /** Removes one upload's staged chunks, by key. */
    public void delete(long audience, int upload, List<Integer> layout) {
        List<Document> keys = new ArrayList<>();
        for (int s = 0; s < layout.size(); s++) {
            for (int k = 0; k < layout.get(s); k++) {
                keys.add(key(audience, upload, s, k));
            }
        }
        PushDatabase.deleteByKeys(coll(), keys);
    }

    /** Streams ids into staging chunks; {@link #finish()} writes the rest and answers the layout. */
    public final class Writer {
        private final long audience;
        private final int upload;
        private final int shards;
        private final List<String>[] buffers;
        private final int[] chunks;
        private final List<Document> pending = new ArrayList<>();
        private long lines;

        @SuppressWarnings("unchecked")
        Writer(long audience, int upload, int shards) {
            this.audience = audience;
            this.upload = upload;
            this.shards = shards;
            this.buffers = new List[shards];
            this.chunks = new int[shards];
        }

        public void add(String memberId) {
            int s = Shards.of(memberId, shards);
            List<String> b = buffers[s];
            if (b == null) {
                b = buffers[s] = new ArrayList<>(AudienceChunks.SIZE);
            }
            b.add(memberId);
            lines++;
            if (b.size() == AudienceChunks.SIZE) {
                seal(s);
            }
        }

        private void seal(int s) {
            pending.add(new Document("_id", key(audience, upload, s, chunks[s]++)).append("ids", buffers[s]));
            buffers[s] = null;
            if (pending.size() >= PENDING_CHUNKS) {
                flush();
            }
        }

        private void flush() {
            if (!pending.isEmpty()) {
                coll().insertMany(new ArrayList<>(pending), new InsertManyOptions().ordered(false));
                pending.clear();
            }
        }

        public long lines() {
            return lines;
        }

        /** Gives up an upload that failed midway: removes what it wrote. */
        public void discard() {
            delete(audience, upload, Arrays.stream(chunks).boxed().toList());
        }

        public List<Integer> finish() {
            for (int s = 0; s < shards; s++) {
                if (buffers[s] != null && !buffers[s].isEmpty()) {
                    seal(s);
                }
            }
            flush();
            return Arrays.stream(chunks).boxed().toList();
        }
    }
}
