package dev.push.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A scan answered batch by batch gives exactly what the stock H2 backend gives, in the same order. */
class StreamingScanTest {
    static final int DOCUMENTS = 2_500;

    static <T> T withCollection(de.bwaldvogel.mongo.MongoBackend backend, Function<MongoCollection<Document>, T> use) {
        return withCollection(backend, List.of(), use);
    }

    static <T> T withCollection(de.bwaldvogel.mongo.MongoBackend backend, List<Document> extra,
                                Function<MongoCollection<Document>, T> use) {
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            MongoCollection<Document> members = client.getDatabase("push").getCollection("members");
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < DOCUMENTS; i++) {
                docs.add(new Document("_id", "m-" + i).append("age", i % 80).append("country", i % 3 == 0 ? "FR" : "DE"));
            }
            docs.addAll(extra);
            members.insertMany(docs);
            members.updateMany(Filters.eq("country", "FR"), new Document("$set", new Document("seen", true)));
            return use.apply(members);
        } finally {
            server.shutdownNow();
        }
    }

    static List<Document> scan(MongoCollection<Document> c, Bson filter, Bson projection, int batchSize) {
        var find = c.find(filter).batchSize(batchSize);
        if (projection != null) {
            find = find.projection(projection);
        }
        return find.into(new ArrayList<>());
    }

    void sameAsStock(Bson filter, Bson projection, int batchSize) {
        List<Document> stock = withCollection(new H2Backend(new MVStore.Builder().open()), c -> scan(c, filter, projection, batchSize));
        List<Document> keyed = withCollection(new KeyedH2Backend(new MVStore.Builder().open()), c -> scan(c, filter, projection, batchSize));
        assertEquals(stock, keyed);
    }

    @Test
    void aQueryAcrossManyBatchesAnswersTheSameMembersInTheSameOrder() {
        sameAsStock(Filters.and(Filters.gte("age", 40), Filters.eq("country", "FR")), Projections.include("_id"), 100);
        sameAsStock(Filters.lt("age", 40), null, 250);
        sameAsStock(Filters.eq("seen", true), Projections.exclude("country"), 7);
    }

    @Test
    void aQueryMatchingNothingOrEverythingIsAnsweredWhole() {
        sameAsStock(Filters.eq("age", 1_000), null, 100);
        assertEquals(DOCUMENTS, withCollection(new KeyedH2Backend(new MVStore.Builder().open()),
                c -> scan(c, new Document(), Projections.include("_id"), 333)).size());
    }

    /** Ids of other types than strings: numbers sort before strings in the H2 map, embedded documents after. */
    static final List<Document> OTHER_IDS = List.of(new Document("_id", 7).append("age", 3),
            new Document("_id", new Document("a", 1)).append("age", 3), new Document("_id", 2.5).append("age", 50));

    <T> void sameAsStock(List<Document> extra, Function<MongoCollection<Document>, T> query) {
        T stock = withCollection(new H2Backend(new MVStore.Builder().open()), extra, query);
        T keyed = withCollection(new KeyedH2Backend(new MVStore.Builder().open()), extra, query);
        assertEquals(stock, keyed);
    }

    @Test
    void aScanOverAnIdRangeAnswersTheSameMembersAsTheStockScan() {
        for (List<Document> extra : List.of(List.<Document>of(), OTHER_IDS)) {
            sameAsStock(extra, c -> scan(c, Filters.and(Filters.lt("age", 40),
                    new Document("_id", new Document("$gte", "m-1").append("$lt", "m-2"))), Projections.include("_id"), 100));
            sameAsStock(extra, c -> scan(c, Filters.and(Filters.lt("age", 40), Filters.gt("_id", "m-2")), null, 100));
            sameAsStock(extra, c -> scan(c, Filters.and(Filters.lt("age", 40), Filters.lte("_id", "m-15")), null, 100));
            sameAsStock(extra, c -> scan(c, new Document("_id", new Document("$gt", "m-3").append("$lte", "m-3")), null, 100));
            sameAsStock(extra, c -> scan(c, new Document("age", 3).append("_id", new Document("$gte", "")), null, 10));
        }
    }

    @Test
    void aScanOverAnIdRangeExaminesOnlyTheDocumentsInTheRange() {
        KeyedH2Backend backend = new KeyedH2Backend(new MVStore.Builder().open());
        long examined = withCollection(backend, c -> {
            long before = backend.documentsExamined("push", "members");
            scan(c, Filters.and(Filters.lt("age", 40), new Document("_id", new Document("$gte", "m-1").append("$lt", "m-2"))),
                    null, 100);
            return backend.documentsExamined("push", "members") - before;
        });
        // m-1, m-10..m-19, m-100..m-199, m-1000..m-1999, and m-2 where the walk stops: 1,112 of 2,500.
        assertEquals(1_112L, examined);
    }

    @Test
    void aPageOfIdsInKeyOrderIsTheStockAnswer() {
        for (List<Document> extra : List.of(List.<Document>of(), OTHER_IDS)) {
            for (int skip : new int[] {0, 1, 1_250, DOCUMENTS - 1, DOCUMENTS + 10}) {
                sameAsStock(extra, c -> c.find().sort(new Document("_id", 1)).skip(skip).limit(3)
                        .projection(Projections.include("_id")).into(new ArrayList<>()));
            }
        }
    }
    static List<Document> batchAfter(MongoCollection<Document> c, Bson filter, int limit) {
        return c.find(filter).sort(new Document("_id", 1)).limit(limit).batchSize(limit)
                .projection(Projections.include("_id")).into(new ArrayList<>());
    }

    @Test
    void aBatchOfIdsAfterTheLastOneIsTheStockAnswer() {
        for (List<Document> extra : List.of(List.<Document>of(), OTHER_IDS)) {
            sameAsStock(extra, c -> batchAfter(c, Filters.and(Filters.lt("age", 40), Filters.gt("_id", "m-1")), 50));
            sameAsStock(extra, c -> batchAfter(c, new Document("age", new Document("$lt", 40))
                    .append("_id", new Document("$gt", "m-1").append("$lt", "m-5")), 700));
            sameAsStock(extra, c -> batchAfter(c, new Document("_id", new Document("$gte", "m-2")), 3));
            sameAsStock(extra, c -> batchAfter(c, new Document("_id", new Document("$gt", "m-999")), 100));
            sameAsStock(extra, c -> batchAfter(c, new Document("age", 1_000).append("_id", new Document("$gt", "m")), 10));
        }
    }

    @Test
    void aBatchOfIdsAfterTheLastOneExaminesOnlyWhatItReturns() {
        KeyedH2Backend backend = new KeyedH2Backend(new MVStore.Builder().open());
        long examined = withCollection(backend, c -> {
            long before = backend.documentsExamined("push", "members");
            batchAfter(c, new Document("_id", new Document("$gt", "m-2")), 10);
            return backend.documentsExamined("push", "members") - before;
        });
        // m-2 itself, where the walk starts, then the ten after it: 11 of 2,500.
        assertEquals(11L, examined);
    }
}
