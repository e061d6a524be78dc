package dev.push.db;

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
        MongoServer server = new MongoServer(backend);
        try (MongoClient client = MongoClients.create(server.bindAndGetConnectionString())) {
            MongoCollection<Document> members = client.getDatabase("push").getCollection("members");
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < DOCUMENTS; i++) {
                docs.add(new Document("_id", "m-" + i).append("age", i % 80).append("country", i % 3 == 0 ? "FR" : "DE"));
            }
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
}
