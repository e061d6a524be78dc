package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** Every filter path gives the same answers and leaves the same data with and without key narrowing. */
class KeyedBackendEquivalenceTest {

    private static final String COLLECTION = "campaign_chunks";

    interface Operations {
        List<Object> apply(MongoDatabase database, MongoCollection<Document> collection);
    }

    static Stream<Arguments> backends() {
        Supplier<MongoBackend> stockMemory = MemoryBackend::new;
        Supplier<MongoBackend> keyedMemory = KeyedMemoryBackend::new;
        Supplier<MongoBackend> stockH2 = H2Backend::inMemory;
        Supplier<MongoBackend> keyedH2 = () -> new KeyedH2Backend(new MVStore.Builder().open());
        return Stream.of(Arguments.of("memory", stockMemory, keyedMemory), Arguments.of("h2", stockH2, keyedH2));
    }

    static Document key(int c, int s, int k) {
        return new Document("c", c).append("s", s).append("k", k);
    }

    static List<Document> documents() {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            documents.add(new Document("_id", key(1, i % 4, i / 4)).append("owner", i % 3 == 0 ? "w1" : "old")
                .append("n", i % 5));
        }
        documents.add(new Document("_id", key(2, 0, 0)).append("owner", "w1").append("n", 1));
        documents.add(new Document("_id", 7).append("tag", "x").append("n", 2));
        documents.add(new Document("_id", "m-9").append("tag", "y").append("n", 3));
        documents.add(new Document("_id", 8.5).append("tag", "x").append("n", 3));
        return documents;
    }

    /** Filters with an exact _id and more conditions, matching and not, in the shapes the service uses. */
    static List<Bson> filters() {
        List<Document> someIds = List.of(key(1, 3, 9), key(1, 0, 0), key(9, 9, 9), key(1, 2, 4), key(1, 0, 0),
            key(2, 0, 0));
        return List.of(
            new Document("_id", key(2, 0, 0)).append("owner", "w1"),
            new Document("_id", key(2, 0, 0)).append("owner", "w2"),
            new Document("_id", key(9, 0, 0)).append("owner", "w1"),
            new Document("_id", new Document("$eq", key(2, 0, 0))).append("n", 1),
            new Document("_id", new Document("$eq", key(1, 1, 1))),
            new Document("_id", new Document("$in", someIds)).append("owner", "old"),
            new Document("_id", new Document("$in", someIds)).append("n", new Document("$gte", 1)),
            new Document("_id", new Document("$in", someIds).append("$ne", key(1, 0, 0))),
            new Document("_id", new Document("$in", List.of())).append("owner", "w1"),
            new Document("_id", new Document("k", 0).append("s", 0).append("c", 2)).append("owner", "w1"),
            new Document("_id", 7L).append("tag", "x"),
            new Document("_id", 7.0).append("tag", "y"),
            new Document("_id", new Document("$in", List.of(7, 8.5, "m-9", 7L))).append("n", new Document("$lt", 9)),
            new Document("_id", new Document("$gt", key(1, 2, 0))).append("owner", "w1"),
            // Bare exact ids, which the stock index serves, in its order: strings, numbers of another type, keys.
            new Document("_id", "m-9"),
            new Document("_id", 7L),
            new Document("_id", new Document("$in", List.of("nope", key(1, 2, 4), 8.5, "m-9", 7L, key(1, 0, 3)))),
            new Document("owner", "w1"),
            // Filters.and(eq("_id", x), ...) as the driver renders it: {$and: [{_id: x}, ...]}.
            Filters.and(Filters.eq("_id", key(2, 0, 0)), Filters.eq("owner", "w1")),
            Filters.and(Filters.eq("_id", key(2, 0, 0)), Filters.eq("owner", "w2")),
            Filters.and(Filters.eq("_id", "m-9"), Filters.gte("n", 3), Filters.eq("tag", "y")),
            Filters.and(Filters.eq("_id", 7L), Filters.eq("tag", "x")),
            Filters.and(Filters.eq("_id", key(9, 9, 9)), Filters.eq("owner", "w1")),
            Filters.and(Filters.in("_id", key(1, 3, 9), key(1, 2, 4)), Filters.eq("owner", "old")),
            Filters.and(Filters.eq("owner", "old"), new Document("_id", key(1, 1, 1)).append("n", 1)),
            Filters.and(Filters.eq("_id", key(1, 0, 0)), Filters.eq("_id", key(1, 1, 1))),
            Filters.and(Filters.gt("_id", key(1, 2, 0)), Filters.eq("owner", "w1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameAnswers(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            List<Object> answers = new ArrayList<>();
            for (Bson filter : filters()) {
                answers.add(collection.find(filter).into(new ArrayList<>()));
                answers.add(collection.find(filter).sort(new Document("n", -1)).skip(1).limit(3)
                    .projection(new Document("owner", 1)).into(new ArrayList<>()));
                answers.add(collection.find(filter).sort(new Document("owner", 1)).into(new ArrayList<>()));
                answers.add(collection.find(filter).sort(new Document("$natural", -1)).into(new ArrayList<>()));
                answers.add(collection.countDocuments(filter));
                answers.add(count(database, filter));
                answers.add(collection.distinct("n", filter, Integer.class).into(new ArrayList<>()));
            }
            return answers;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameWrites(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            List<Object> answers = new ArrayList<>();
            int round = 0;
            for (Bson filter : filters()) {
                round++;
                Document set = new Document("$set", new Document("reserved", round)).append("$inc", new Document("n", 1));
                answers.add(describe(collection.updateOne(filter, set)));
                answers.add(describe(collection.updateMany(filter, new Document("$inc", new Document("n", 10)))));
                answers.add(collection.findOneAndUpdate(filter, new Document("$set", new Document("after", round)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
                answers.add(collection.findOneAndUpdate(filter, new Document("$set", new Document("before", round)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE).sort(new Document("n", 1))
                        .projection(new Document("n", 1))));
                answers.add(all(collection));
            }
            return answers;
        });
    }

    /**
     * Updates that only set top-level fields (the keyed backend answers those by key, {@link UpdateByKey}): a new field, a
     * value equal to the stored one in another numeric type (not a change), null, several fields, a versioned write
     * that misses and upserts, and the forms that must take the stock path (a dotted field, an indexed field, $inc too).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameSetOnlyUpdates(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            collection.createIndex(new Document("label", 1), new IndexOptions().unique(true).sparse(true));
            List<Object> answers = new ArrayList<>();
            List<Document> sets = List.of(
                new Document("$set", new Document("fresh", 1)),
                new Document("$set", new Document("n", 2L)),
                new Document("$set", new Document("n", 2.0).append("owner", "w1")),
                new Document("$set", new Document("owner", null)),
                new Document("$set", new Document("n", -0.0).append("at", List.of(1, 2L)).append("d", new Document("x", 1))),
                new Document("$set", new Document("at", List.of(1.0, 2))),
                new Document("$set", new Document("d.x", 2)),
                new Document("$set", new Document("label", "z")),
                new Document("$set", new Document("n", 4)).append("$inc", new Document("v", 1)));
            answers.addAll(eachFilterUpdated(collection, sets));
            Document versioned = new Document("_id", "slot-1").append("v", 1L);
            Document write = new Document("$set", new Document("v", 2L).append("at", List.of(5)));
            for (int i = 0; i < 3; i++) {
                answers.add(answer(() -> collection.updateOne(versioned, write, new UpdateOptions().upsert(true))));
            }
            answers.add(all(collection));
            return answers;
        });
    }

    /** Updates that {@code $inc} and {@code $push} top-level fields, alone or with {@code $set} (the keyed backend's {@code UpdateByKey}). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameIncAndPushUpdates(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            collection.createIndex(new Document("label", 1), new IndexOptions().unique(true).sparse(true));
            List<Object> answers = new ArrayList<>();
            Date early = new Date(1_000_000L);
            Date late = new Date(2_000_000L);
            List<Document> updates = List.of(
                new Document("$inc", new Document("n", 1)),
                new Document("$inc", new Document("n", 2L).append("fresh", 3)),
                new Document("$inc", new Document("n", 0.5)),
                new Document("$inc", new Document("n", 0)),
                new Document("$inc", new Document("owner", 1)),
                new Document("$inc", new Document("label", 1)),
                new Document("$push", new Document("at", late)),
                new Document("$push", new Document("at", new Document("$each", List.of(early, late)).append("$sort", -1))),
                new Document("$push", new Document("at", new Document("$each", List.of(3, 1.5)).append("$sort", 1))),
                new Document("$push", new Document("at", new Document("$each", List.of(new Document("x", 1))).append("$sort", -1))),
                new Document("$push", new Document("at", new Document("$each", List.of()))),
                new Document("$push", new Document("owner", 1)),
                new Document("$push", new Document("list", new Document("x", 1))),
                new Document("$push", new Document("at", new Document("$each", List.of(late)).append("$sort", -1)))
                    .append("$inc", new Document("v", 1L)).append("$set", new Document("owner", "w3")),
                new Document("$inc", new Document("n", 1)).append("$set", new Document("n", 2)));
            answers.addAll(eachFilterUpdated(collection, updates));
            return answers;
        });
    }

    /**
     * The cap ledger's write: an upsert whose filter is the rule on the pushes newest first; a missing state is inserted,
     * one with room gets the push, a capped one fails on the duplicate id.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameRuleFilteredUpserts(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            List<Object> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Date now = new Date(10_000_000L + i * 1_000L);
                for (Object id : List.of("slot-1", "slot-2", 17L)) {
                    Document filter = new Document("_id", id).append("at.6", new Document("$exists", false))
                        .append("at.1", new Document("$not", new Document("$gt", new Date(now.getTime() - 2_500L))));
                    Document push = new Document("$push", new Document("at", new Document("$each", List.of(now)).append("$sort", -1)))
                        .append("$inc", new Document("v", 1L));
                    answers.add(answer(() -> collection.updateOne(filter, push, new UpdateOptions().upsert(true))));
                }
                answers.add(all(collection));
            }
            answers.add(describe(collection.updateOne(new Document("_id", "slot-3").append("v", 1L),
                new Document("$inc", new Document("v", 1L)), new UpdateOptions().upsert(true))));
            answers.add(all(collection));
            return answers;
        });
    }

    /**
     * Each comparison with a date ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}, each also under {@code $not})
     * and {@code $exists}, on each position of a list of dates (before, at and after the bound, and past its end), on a
     * missing list and on a field of another kind, as a keyed update's filter ({@code DateConditions}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameDateConditions(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            long t = 50_000_000L;
            collection.insertMany(List.of(
                new Document("_id", "dates").append("at", List.of(new Date(t + 1_000), new Date(t), new Date(t - 1_000))),
                new Document("_id", "none"),
                new Document("_id", "numbers").append("at", List.of(1, 2)),
                new Document("_id", "scalar").append("at", new Date(t))));
            List<Document> conditions = new ArrayList<>(List.of(new Document("$exists", true), new Document("$exists", false)));
            for (String operator : List.of("$gt", "$gte", "$lt", "$lte")) {
                for (long bound : List.of(t - 1_000, t, t + 1_000)) {
                    Document comparison = new Document(operator, new Date(bound));
                    conditions.add(comparison);
                    conditions.add(new Document("$not", comparison));
                }
            }
            List<Object> answers = new ArrayList<>();
            Document bump = new Document("$inc", new Document("n", 1));
            for (String id : List.of("dates", "none", "numbers", "scalar")) {
                for (String path : List.of("at", "at.0", "at.1", "at.2", "at.3")) {
                    for (Document condition : conditions) {
                        answers.add(answer(() -> collection.updateOne(new Document("_id", id).append(path, condition), bump)));
                    }
                }
            }
            answers.add(all(collection));
            return answers;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sameUpsertsAndDeletes(String name, Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed) {
        compare(stock, keyed, (database, collection) -> {
            List<Object> answers = new ArrayList<>();
            Document fenced = new Document("_id", key(3, 0, 0)).append("owner", "w1");
            Document update = new Document("$set", new Document("reserved", 5));
            answers.add(describe(collection.updateOne(fenced, update, new UpdateOptions().upsert(true))));
            answers.add(describe(collection.updateOne(fenced, update, new UpdateOptions().upsert(true))));
            answers.add(collection.findOneAndUpdate(new Document("_id", key(3, 0, 1)).append("owner", "w2"), update,
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)));
            answers.add(collection.findOneAndUpdate(new Document("_id", key(3, 0, 2)).append("owner", "w2"), update,
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE)));
            answers.add(all(collection));
            for (Bson filter : filters()) {
                answers.add(collection.findOneAndDelete(filter));
                answers.add(describe(collection.deleteOne(filter)));
                answers.add(describe(collection.deleteMany(filter)));
                answers.add(all(collection));
            }
            return answers;
        });
    }

    private static void compare(Supplier<MongoBackend> stock, Supplier<MongoBackend> keyed,
                                Operations operations) {
        List<Object> expected = run(stock.get(), operations);
        List<Object> actual = run(keyed.get(), operations);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(String.valueOf(expected.get(i)), String.valueOf(actual.get(i)), "answer " + i);
        }
    }

    private static List<Object> run(MongoBackend backend, Operations operations) {
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            MongoDatabase database = client.getDatabase("push");
            MongoCollection<Document> collection = database.getCollection(COLLECTION);
            collection.insertMany(documents());
            List<Object> answers = new ArrayList<>(operations.apply(database, collection));
            // The data size the collection keeps as documents change (collStats), which the keyed path updates itself.
            answers.add("size " + database.runCommand(new Document("collStats", COLLECTION)).get("size"));
            return answers;
        } finally {
            server.shutdownNow();
        }
    }

    /** The count command, which the driver's countDocuments (an aggregation) does not use. */
    private static int count(MongoDatabase database, Bson filter) {
        Document command = new Document("count", COLLECTION).append("query", filter);
        return database.runCommand(command).getInteger("n");
    }

    /** Each update applied with each of {@link #filters()}: their answers, and the data after each filter's. */
    private static List<Object> eachFilterUpdated(MongoCollection<Document> collection, List<Document> updates) {
        List<Object> answers = new ArrayList<>();
        for (Bson filter : filters()) {
            for (Document update : updates) {
                answers.add(answer(() -> collection.updateOne(filter, update)));
            }
            answers.add(all(collection));
        }
        return answers;
    }

    /** An update's answer, or the code of the error it failed with. */
    private static Object answer(Supplier<UpdateResult> update) {
        try {
            return describe(update.get());
        } catch (MongoWriteException e) {
            return e.getError().getCode();
        }
    }

    private static List<Document> all(MongoCollection<Document> collection) {
        return collection.find().into(new ArrayList<>());
    }

    private static String describe(UpdateResult result) {
        return result.getMatchedCount() + "/" + result.getModifiedCount() + "/" + result.getUpsertedId();
    }

    private static String describe(DeleteResult result) {
        return String.valueOf(result.getDeletedCount());
    }
}
