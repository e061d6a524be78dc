package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

class EmbeddedDatabaseTest {

    private static final Document CLAIM = new Document("c", 4).append("s", 1).append("k", 0);

    @Test
    void keepsDataInItsFileAcrossRestarts(@TempDir Path temp) {
        Path dir = temp.resolve("data");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0))) {
            assertEquals(dir.resolve(EmbeddedDatabase.FILE_NAME).toAbsolutePath(), database.file());
            assertTrue(database.connectionString().startsWith("mongodb://127.0.0.1:"));
            try (MongoClient client = MongoClients.create(database.connectionString())) {
                claims(client).insertOne(new Document("_id", CLAIM).append("owner", "w1"));
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve(EmbeddedDatabase.FILE_NAME)));

        // Reopening builds the keyed collections from the file, and exact-key filters are narrowed there too.
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            long before = database.backend().documentsExamined("push", "campaign_chunks");
            Document fenced = new Document("_id", CLAIM).append("owner", "w1");
            assertEquals(1, claims(client).updateOne(fenced, new Document("$set", new Document("reserved", 3)))
                .getModifiedCount());
            assertEquals(1, database.backend().documentsExamined("push", "campaign_chunks") - before);
        }
    }

    @Test
    void opensAFileTheStockBackendWroteAndKeepsItsDocumentsAsBson(@TempDir Path temp) {
        Path file = temp.resolve(EmbeddedDatabase.FILE_NAME);
        withStockBackend(file, client -> {
            for (int k = 0; k < 300; k++) {
                claims(client).insertOne(new Document("_id", new Document("c", 4).append("s", 1).append("k", k))
                    .append("owner", "w" + (k % 3)).append("ids", java.util.List.of("m-" + k, "m-" + (k + 1))));
            }
        });

        for (int open = 0; open < 2; open++) {
            try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp, 0));
                 MongoClient client = MongoClients.create(database.connectionString())) {
                Document seven = claims(client).find(new Document("_id", new Document("c", 4).append("s", 1).append("k", 7))).first();
                assertEquals("w1", seven.getString("owner"));
                assertEquals(java.util.List.of("m-7", "m-8"), seven.getList("ids", String.class));
                assertEquals(100, claims(client).countDocuments(new Document("owner", "w0")));
                // Unique ids are still enforced by the index the stock backend built.
                assertThrows(com.mongodb.MongoWriteException.class, () -> claims(client).insertOne(new Document("_id", new Document("c", 4).append("s", 1).append("k", 9))));
            }
        }
        org.h2.mvstore.MVStore store = new org.h2.mvstore.MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertFalse(store.hasMap("databases.push.campaign_chunks"), "the Java-serialized map was copied and removed");
            assertTrue(store.hasMap(KeyedH2Backend.documentsMap("push.campaign_chunks")));
        } finally {
            store.close();
        }
    }

    @Test
    void uniqueIndexesOfAStockFileAreCopiedIntoTheKeyedOrderAndStillEnforced(@TempDir Path temp) {
        Path file = temp.resolve(EmbeddedDatabase.FILE_NAME);
        withStockBackend(file, client -> {
            MongoCollection<Document> sends = client.getDatabase("push").getCollection("sends");
            sends.createIndex(new Document("key", 1), new com.mongodb.client.model.IndexOptions().unique(true));
            for (int i = 0; i < 500; i++) {
                sends.insertOne(new Document("_id", "s-" + i).append("key", "k-" + i));
            }
        });

        for (int open = 0; open < 2; open++) {
            try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp, 0));
                 MongoClient client = MongoClients.create(database.connectionString())) {
                MongoCollection<Document> sends = client.getDatabase("push").getCollection("sends");
                assertEquals("k-321", sends.find(new Document("_id", "s-321")).first().getString("key"));
                assertEquals("s-77", sends.find(new Document("key", "k-77")).first().getString("_id"));
                assertThrows(com.mongodb.MongoWriteException.class, () -> sends.insertOne(new Document("_id", "s-5")));
                assertThrows(com.mongodb.MongoWriteException.class,
                    () -> sends.insertOne(new Document("_id", "new-" + System.nanoTime()).append("key", "k-5")));
                assertEquals(500, sends.countDocuments());
            }
        }
        org.h2.mvstore.MVStore store = new org.h2.mvstore.MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            assertFalse(store.hasMap("push.sends._index__id_"), "the stock-ordered index was copied and removed");
            assertTrue(store.hasMap("push.sends._index__id_" + KeyedH2Backend.KEYED_INDEX));
            assertTrue(store.hasMap("push.sends._index_key_1" + KeyedH2Backend.KEYED_INDEX));
        } finally {
            store.close();
        }
    }

    @Test
    void aUniqueIndexHoldsStringAndOtherKeysSideBySideAcrossRestarts(@TempDir Path temp) {
        Path dir = temp.resolve("data");
        java.util.List<Object> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(i % 3 == 0 ? "m-" + i : i % 3 == 1 ? (Object) (long) i : new Document("c", 1).append("k", i));
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            MongoCollection<Document> mixed = client.getDatabase("push").getCollection("mixed");
            ids.forEach(id -> mixed.insertOne(new Document("_id", id).append("v", String.valueOf(id))));
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            MongoCollection<Document> mixed = client.getDatabase("push").getCollection("mixed");
            for (Object id : ids) {
                assertEquals(String.valueOf(id), mixed.find(new Document("_id", id)).first().getString("v"));
                assertThrows(com.mongodb.MongoWriteException.class, () -> mixed.insertOne(new Document("_id", id)));
            }
            assertEquals(200, mixed.countDocuments());
        }
    }

    @Test
    void uniqueIndexesInTheEarlierStringsOnlyOrderAreCopiedIntoTheKeyedOrderAndStillEnforced(@TempDir Path temp) {
        Path dir = temp.resolve("data");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            MongoCollection<Document> sends = client.getDatabase("push").getCollection("sends");
            sends.createIndex(new Document("id", 1), new com.mongodb.client.model.IndexOptions().unique(true));
            for (int i = 0; i < 300; i++) {
                sends.insertOne(new Document("_id", "s-" + i).append("id", (long) i));
            }
        }
        // Rewrite each keyed index as the previous Push left it: strings first, every other key in H2's own order.
        org.h2.mvstore.type.ObjectDataType stringsOnly = new org.h2.mvstore.type.ObjectDataType() {
            @Override
            public int compare(Object a, Object b) {
                boolean x = a instanceof de.bwaldvogel.mongo.backend.KeyValue k && k.size() == 1 && k.get(0) instanceof String;
                boolean y = b instanceof de.bwaldvogel.mongo.backend.KeyValue k && k.size() == 1 && k.get(0) instanceof String;
                return x && y ? String.valueOf(((de.bwaldvogel.mongo.backend.KeyValue) a).get(0))
                    .compareTo(String.valueOf(((de.bwaldvogel.mongo.backend.KeyValue) b).get(0)))
                    : x ? -1 : y ? 1 : super.compare(a, b);
            }
        };
        org.h2.mvstore.MVStore store = new org.h2.mvstore.MVStore.Builder()
            .fileName(dir.resolve(EmbeddedDatabase.FILE_NAME).toString()).open();
        try {
            for (String index : java.util.List.of("push.sends._index__id_", "push.sends._index_id_1")) {
                var keyed = store.openMap(index + KeyedH2Backend.KEYED_INDEX, KeyedH2Backend.keyedIndex());
                var earlier = store.openMap(index + KeyedH2Backend.STRINGS_ONLY_INDEX,
                    new org.h2.mvstore.MVMap.Builder<de.bwaldvogel.mongo.backend.KeyValue, Object>().keyType(stringsOnly));
                earlier.putAll(keyed);
                store.removeMap(keyed);
            }
        } finally {
            store.close();
        }

        for (int open = 0; open < 2; open++) {
            try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
                 MongoClient client = MongoClients.create(database.connectionString())) {
                MongoCollection<Document> sends = client.getDatabase("push").getCollection("sends");
                for (int i = 0; i < 300; i += 7) {
                    assertEquals("s-" + i, sends.find(new Document("id", (long) i)).first().getString("_id"));
                }
                assertThrows(com.mongodb.MongoWriteException.class,
                    () -> sends.insertOne(new Document("_id", "new").append("id", 123L)));
                assertThrows(com.mongodb.MongoWriteException.class, () -> sends.insertOne(new Document("_id", "s-5")));
                sends.insertOne(new Document("_id", "s-" + (300 + open)).append("id", 300L + open));
                assertEquals(301 + open, sends.countDocuments());
            }
        }
        store = new org.h2.mvstore.MVStore.Builder().fileName(dir.resolve(EmbeddedDatabase.FILE_NAME).toString()).readOnly().open();
        try {
            assertFalse(store.hasMap("push.sends._index_id_1" + KeyedH2Backend.STRINGS_ONLY_INDEX), "copied and removed");
            assertTrue(store.hasMap("push.sends._index_id_1" + KeyedH2Backend.KEYED_INDEX));
        } finally {
            store.close();
        }
    }

    /** Writes {@code file} with the stock H2 backend, as a file an earlier Push (or mongo-java-server itself) left. */
    private static void withStockBackend(Path file, java.util.function.Consumer<MongoClient> writes) {
        H2Backend stockBackend = new H2Backend(file.toString());
        MongoServer stock = new MongoServer(stockBackend);
        try (MongoClient client = MongoClients.create(stock.bindAndGetConnectionString())) {
            writes.accept(client);
        } finally {
            stock.shutdownNow();
            stockBackend.close();
        }
    }

    @Test
    void memoryBackendHasNoFile() {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.memory(0));
             MongoClient client = MongoClients.create(database.connectionString())) {
            assertNull(database.file());
            claims(client).insertOne(new Document("_id", CLAIM));
            assertEquals(1, claims(client).find().into(new ArrayList<>()).size());
            assertEquals(0, database.backend().documentsExamined("push", "no_such_collection"));
            assertEquals(0, database.backend().documentsExamined("no_such_database", "campaign_chunks"));
        }
    }

    @Test
    void closingTwiceIsHarmless(@TempDir Path temp) {
        EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp, 0));
        database.close();
        database.close();
        assertTrue(Files.isRegularFile(temp.resolve(EmbeddedDatabase.FILE_NAME)));
    }

    @Test
    void onlyAFileClosedCleanlyIsOpenedWithoutCompactingItAgain(@TempDir Path temp) {
        Path marker = EmbeddedDatabase.compactedMarker(temp.resolve(EmbeddedDatabase.FILE_NAME));
        EmbeddedDatabase first = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp, 0));
        assertFalse(Files.exists(marker), "an open file is not marked: a crash now leaves it unmarked");
        first.close();
        assertTrue(Files.exists(marker), "closed and compacted");

        try (EmbeddedDatabase second = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(temp, 0))) {
            assertFalse(Files.exists(marker), "the mark is consumed when the file is opened");
        }
    }

    private static MongoCollection<Document> claims(MongoClient client) {
        return client.getDatabase("push").getCollection("campaign_chunks");
    }
}
