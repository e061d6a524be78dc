package dev.push.audience;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.push.embedded.EmbeddedDatabase;
import org.bson.Document;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Writing audience chunks is safe to repeat, whatever an earlier or a concurrent attempt left. */
class AudienceChunksTest {
    @TempDir
    Path dir;

    private static List<Document> chunks(String prefix, int count) {
        List<Document> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(AudienceChunks.chunk(7, 3, k, List.of(prefix + k + "a", prefix + k + "b")));
        }
        return out;
    }

    private static List<Document> stored(MongoCollection<Document> coll, int count) {
        List<Document> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(coll.find(Filters.eq("_id", AudienceChunks.key(7, 3, k))).first());
        }
        return out;
    }

    private EmbeddedDatabase.Settings settings(EmbeddedDatabase.Backend backend) {
        return backend == EmbeddedDatabase.Backend.H2 ? EmbeddedDatabase.Settings.h2(dir, 0) : EmbeddedDatabase.Settings.memory(0);
    }

    @ParameterizedTest
    @EnumSource(EmbeddedDatabase.Backend.class)
    void aWriteRepeatedAfterFailingMidwayLeavesExactlyTheNewChunks(EmbeddedDatabase.Backend backend) {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(backend)); MongoClient client = MongoClients.create(db.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("push").getCollection("audience_chunks");
            // An earlier attempt wrote other ids in chunks 0..5, then this one got through chunks 0..9 of 20 and failed.
            AudienceChunks.write(coll, chunks("old-", 6));
            AudienceChunks.write(coll, chunks("new-", 20).subList(0, 10));

            AudienceChunks.write(coll, chunks("new-", 20));

            assertEquals(chunks("new-", 20), stored(coll, 20));
            assertEquals(20, coll.countDocuments());
        }
    }

    @ParameterizedTest
    @EnumSource(EmbeddedDatabase.Backend.class)
    void twoWritersOfTheSameChunksBothSucceed(EmbeddedDatabase.Backend backend) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(backend)); MongoClient client = MongoClients.create(db.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("push").getCollection("audience_chunks");
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 20; round++) {
                        AudienceChunks.write(coll, chunks("same-", 30));
                    }
                }, pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();

            assertEquals(chunks("same-", 30), stored(coll, 30));
            assertEquals(30, coll.countDocuments());
        } finally {
            pool.shutdownNow();
        }
    }
}
