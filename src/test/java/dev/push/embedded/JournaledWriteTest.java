package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

/**
 * A write acknowledged with {@code j: true} (or {@code w: "majority"}) is in the H2 file when the answer
 * arrives: a copy of the file taken at that moment, which is what a kill -9 leaves, holds it.
 */
class JournaledWriteTest {

    @Test
    void aJournaledWriteIsInTheFileWhenItIsAcknowledged(@TempDir Path temp) throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp.resolve("data"), 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            MongoCollection<Document> claims = claims(client).withWriteConcern(WriteConcern.JOURNALED);
            claims.insertOne(new Document("_id", "chunk-1").append("reserved", 0));
            claims.updateOne(Filters.eq("_id", "chunk-1"), Updates.set("reserved", 100));

            assertEquals(100, reservedInCopyOf(database.file(), temp, "chunk-1"));
        }
    }

    @Test
    void aMajorityWriteIsJournaledToo(@TempDir Path temp) throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp.resolve("data"), 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            MongoCollection<Document> claims = claims(client).withWriteConcern(WriteConcern.MAJORITY.withJournal(true));
            claims.insertOne(new Document("_id", "chunk-2").append("reserved", 0));
            claims.findOneAndUpdate(Filters.eq("_id", "chunk-2"), Updates.set("reserved", 200));

            assertEquals(200, reservedInCopyOf(database.file(), temp, "chunk-2"));
        }
    }

    @Test
    void plainWritesCauseNoSync(@TempDir Path temp) {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp.resolve("data"), 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            KeyedH2Backend backend = (KeyedH2Backend) database.backend();
            for (int i = 0; i < 50; i++) {
                claims(client).insertOne(new Document("_id", "plain-" + i));
            }
            assertEquals(0, backend.journalRounds());
            claims(client).withWriteConcern(WriteConcern.JOURNALED).insertOne(new Document("_id", "journaled"));
            assertEquals(1, backend.journalRounds());
        }
    }

    @Test
    void concurrentJournaledWritesShareSyncs(@TempDir Path temp) throws Exception {
        int writers = 16;
        int writesEach = 50;
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp.resolve("data"), 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            KeyedH2Backend backend = (KeyedH2Backend) database.backend();
            MongoCollection<Document> claims = claims(client).withWriteConcern(WriteConcern.JOURNALED);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < writesEach; i++) {
                            claims.insertOne(new Document("_id", writer + "-" + i));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            long rounds = backend.journalRounds();
            assertTrue(rounds < (long) writers * writesEach, rounds + " syncs for " + writers * writesEach + " writes");
            assertEquals(writers * writesEach, claims.countDocuments());
        }
    }

    private static MongoCollection<Document> claims(MongoClient client) {
        return client.getDatabase("push").getCollection("campaign_chunks");
    }

    /** Opens a copy of the file as it is on disk now (the store stays open) and reads a record's {@code reserved}. */
    private static int reservedInCopyOf(Path file, Path temp, String id) throws Exception {
        Path copy = temp.resolve("copy.mv.db");
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        MVStore store = new MVStore.Builder().fileName(copy.toString()).readOnly().open();
        try {
            MVMap<Object, de.bwaldvogel.mongo.bson.Document> documents = store.openMap(
                    KeyedH2Backend.documentsMap("push.campaign_chunks"),
                    new MVMap.Builder<Object, de.bwaldvogel.mongo.bson.Document>().valueType(BsonDocumentType.INSTANCE));
            de.bwaldvogel.mongo.bson.Document record = documents.get(id);
            assertNotNull(record, id + " is in the file");
            return ((Number) record.get("reserved")).intValue();
        } finally {
            store.close();
        }
    }
}
