package dev.push.campaign;

import com.mongodb.client.model.Filters;
import dev.push.audience.AudienceChunks;
import dev.push.storage.PushDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A campaign unit reads the chunks it walks a sub-batch's worth at a time when they are small (a small audience
 * spread over every shard), and one at a time when they are full.
 */
@QuarkusTest
class ChunkReadAheadTest {
    static final long AUDIENCE = 9_100_001L;
    static final int SHARDS = 256;
    static final int PER_CHUNK = 4;

    @Inject
    AudienceChunks chunks;

    @Inject
    PushDatabase collections;

    @Test
    void aWindowIsOneSubBatchAtTheAudiencesAverageChunkSize() {
        assertEquals(50, ChunkReadAhead.window(SHARDS * PER_CHUNK, SHARDS, 200), "1,024 members in 256 chunks, sub-batches of 200");
        assertEquals(1, ChunkReadAhead.window(1_000_000, 1_024, 200), "full chunks are read one at a time");
        assertEquals(ChunkReadAhead.MAX_CHUNKS, ChunkReadAhead.window(10, SHARDS, 200), "at most MAX_CHUNKS chunks a query");
        assertEquals(1, ChunkReadAhead.window(0, 0, 200), "an audience with nothing in it");
    }

    @Test
    void theChunksOfAWindowAreAnsweredFromTheOneReadThatFetchedThem() {
        List<AudienceChunks.At> walk = new ArrayList<>();
        List<List<String>> written = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < PER_CHUNK; i++) {
                ids.add("ahead-" + s + "-" + i);
            }
            chunks.writeShard(AUDIENCE, s, ids);
            walk.add(new AudienceChunks.At(s, 0));
            written.add(ids);
        }
        ChunkReadAhead ahead = new ChunkReadAhead(chunks, AUDIENCE, walk, SHARDS * PER_CHUNK, SHARDS, 200);
        assertEquals(written.get(0), ahead.at(0));

        // The audience's chunks are gone from the database: what the unit still sees was read with chunk 0.
        collections.get(PushDatabase.AUDIENCE_CHUNKS).deleteMany(Filters.eq("_id.a", AUDIENCE));
        for (int i = 1; i < 50; i++) {
            assertEquals(written.get(i), ahead.at(i), "chunk " + i + " of the first window");
        }
        assertEquals(List.of(), ahead.at(50), "the next window is read when the unit reaches it");
    }

    @Test
    void chunksThePassedCursorLeftBehindAreForgotten() {
        List<AudienceChunks.At> walk = List.of(new AudienceChunks.At(0, 0), new AudienceChunks.At(1, 0));
        chunks.writeShard(AUDIENCE + 1, 0, List.of("passed-a"));
        chunks.writeShard(AUDIENCE + 1, 1, List.of("passed-b"));
        ChunkReadAhead ahead = new ChunkReadAhead(chunks, AUDIENCE + 1, walk, 2, 2, 200);
        assertEquals(List.of("passed-a"), ahead.at(0));

        collections.get(PushDatabase.AUDIENCE_CHUNKS).deleteMany(Filters.eq("_id.a", AUDIENCE + 1));
        ahead.passed(1);
        assertEquals(List.of("passed-b"), ahead.at(1), "still held: not passed");
        assertEquals(List.of(), ahead.at(0), "passed, so read again (and gone)");
    }
}
