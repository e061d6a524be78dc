package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;

import de.bwaldvogel.mongo.MongoServer;

/**
 * Proves by counting, not timing, that an exact-_id filter costs one key lookup however many documents the
 * collection holds: the fencing update of the claim protocol beside 5,000 claims of older campaigns (the count, not the size, is the proof).
 */
class DocumentsExaminedTest {

    private static final String DATABASE = "push";
    private static final String COLLECTION = "campaign_chunks";
    private static final int OLDER_CLAIMS = 5_000;

    static Stream<Arguments> backends() {
        Supplier<KeyedBackend> memory = KeyedMemoryBackend::new;
        Supplier<KeyedBackend> h2 = () -> new KeyedH2Backend(new MVStore.Builder().open());
        return Stream.of(Arguments.of("memory", memory), Arguments.of("h2", h2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void fencedWritesExamineOnlyTheirKeys(String name, Supplier<KeyedBackend> backends) {
        long alone = examinedByFencedUpdate(backends.get(), 0);
        long besideHistory = examinedByFencedUpdate(backends.get(), OLDER_CLAIMS);
        assertEquals(1, alone);
        assertEquals(1, besideHistory);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyFilterPathNarrows(String name, Supplier<KeyedBackend> backends) {
        KeyedBackend backend = backends.get();
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            MongoDatabase database = client.getDatabase(DATABASE);
            MongoCollection<Document> claims = database.getCollection(COLLECTION);
            insertOlderClaims(claims, OLDER_CLAIMS);
            claims.insertOne(new Document("_id", claim()).append("owner", "w1").append("reserved", 0));
            Document fenced = new Document("_id", claim()).append("owner", "w1");
            Counter examined = new Counter(backend);

            List<Document> hundredIds = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                hundredIds.add(olderKey(i * 7));
            }
            Document hundred = new Document("_id", new Document("$in", hundredIds)).append("owner", "old");
            assertEquals(100, claims.find(hundred).into(new ArrayList<>()).size());
            assertEquals(100, examined.since());

            assertEquals(1, claims.find(fenced).projection(new Document("reserved", 1)).into(new ArrayList<>()).size());
            assertEquals(1, examined.since());

            Document eq = new Document("_id", new Document("$eq", claim())).append("owner", "w1");
            assertEquals(1, database.runCommand(new Document("count", COLLECTION).append("query", eq)).getInteger("n"));
            assertEquals(1, examined.since());

            Document after = claims.findOneAndUpdate(fenced, new Document("$inc", new Document("reserved", 100)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            assertNotNull(after);
            assertEquals(100, after.getInteger("reserved"));
            assertEquals(1, examined.since());

            UpdateResult many = claims.updateMany(hundred, new Document("$set", new Document("seen", true)));
            assertEquals(100, many.getModifiedCount());
            assertEquals(100, examined.since());

            Document stranger = new Document("_id", claim()).append("owner", "w2");
            assertEquals(0, claims.updateOne(stranger, new Document("$set", new Document("reserved", 1)))
                .getMatchedCount());
            assertEquals(1, examined.since());

            Document newClaim = new Document("_id", new Document("c", 2).append("s", 0).append("k", 1)).append("owner", "w1");
            UpdateResult upsert = claims.updateOne(newClaim, new Document("$set", new Document("reserved", 0)),
                new UpdateOptions().upsert(true));
            assertEquals(0, upsert.getMatchedCount());
            assertNotNull(upsert.getUpsertedId());
            assertEquals(0, examined.since());

            assertEquals(1, claims.deleteOne(newClaim).getDeletedCount());
            assertEquals(1, examined.since());

            // The driver renders Filters.and(eq("_id", …), eq("owner", …)) as {$and: [...]}: narrowed too.
            assertEquals(1, claims.updateOne(com.mongodb.client.model.Filters.and(
                            com.mongodb.client.model.Filters.eq("_id", claim()), com.mongodb.client.model.Filters.eq("owner", "w1")),
                    new Document("$set", new Document("reserved", 2))).getMatchedCount());
            assertEquals(1, examined.since());

            // A filter without an exact _id still scans every document, so the counter does count scans.
            assertEquals(1, claims.find(new Document("owner", "w1")).into(new ArrayList<>()).size());
            assertEquals(OLDER_CLAIMS + 1, examined.since());
        } finally {
            server.shutdownNow();
        }
    }

    private static long examinedByFencedUpdate(KeyedBackend backend, int olderClaims) {
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            MongoCollection<Document> claims = client.getDatabase(DATABASE).getCollection(COLLECTION);
            insertOlderClaims(claims, olderClaims);
            claims.insertOne(new Document("_id", claim()).append("owner", "w1").append("reserved", 0));
            Counter examined = new Counter(backend);
            UpdateResult result = claims.updateOne(new Document("_id", claim()).append("owner", "w1"),
                new Document("$set", new Document("reserved", 250)));
            assertEquals(1, result.getModifiedCount());
            return examined.since();
        } finally {
            server.shutdownNow();
        }
    }

    private static void insertOlderClaims(MongoCollection<Document> claims, int count) {
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new Document("_id", olderKey(i)).append("owner", "old"));
            if (batch.size() == 1_000) {
                claims.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            claims.insertMany(batch);
        }
    }

    private static Document olderKey(int i) {
        return new Document("c", 1).append("s", i % 256).append("k", i / 256);
    }

    private static Document claim() {
        return new Document("c", 2).append("s", 0).append("k", 0);
    }

    /** Documents examined in the claims collection since the last call. */
    private static final class Counter {
        private final KeyedBackend backend;
        private long last;

        Counter(KeyedBackend backend) {
            this.backend = backend;
            this.last = backend.documentsExamined(DATABASE, COLLECTION);
        }

        long since() {
            long now = backend.documentsExamined(DATABASE, COLLECTION);
            long delta = now - last;
            last = now;
            return delta;
        }
    }
}
