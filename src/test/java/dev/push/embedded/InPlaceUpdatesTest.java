package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;
import java.util.stream.Stream;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.NoopOplog;

/**
 * A document a reader was handed never changes afterwards, on either backend: the server encodes it after the
 * collection's lock is released, and H2 may be serializing the page that holds it (a change in place panicked the
 * store). The update itself is stored and found.
 */
class InPlaceUpdatesTest {

    static Stream<Arguments> backends() {
        Supplier<AbstractMongoBackend> memory = KeyedMemoryBackend::new;
        Supplier<AbstractMongoBackend> h2 = () -> new KeyedH2Backend(new MVStore.Builder().open());
        return Stream.of(Arguments.of("memory", memory), Arguments.of("h2", h2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anUpdateLeavesTheDocumentAReaderHoldsAsItWas(String name, Supplier<AbstractMongoBackend> backends) {
        MongoCollection<?> chunks = chunksWithOneClaim(backends.get());
        Document held = readClaim(chunks);
        Document asRead = held.cloneDeeply();

        chunks.updateDocuments(new Document("_id", "c1"), commit(), ArrayFilters.empty(), false, false,
            NoopOplog.get());

        assertEquals(asRead, held);
        assertEquals(committed(), readClaim(chunks));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aFindAndModifyLeavesTheDocumentAReaderHoldsAsItWas(String name, Supplier<AbstractMongoBackend> backends) {
        MongoCollection<?> chunks = chunksWithOneClaim(backends.get());
        Document held = readClaim(chunks);
        Document asRead = held.cloneDeeply();

        Document answer = chunks.findAndModify(new Document("query", new Document("_id", "c1"))
            .append("update", commit()).append("new", true));

        assertEquals(asRead, held);
        assertEquals(committed(), answer.get("value"));
        assertEquals(committed(), readClaim(chunks));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theDocumentAnUpdateReturnsDoesNotChangeWithTheNextUpdate(String name, Supplier<AbstractMongoBackend> backends) {
        MongoCollection<?> chunks = chunksWithOneClaim(backends.get());
        Document returned = (Document) chunks.findAndModify(new Document("query", new Document("_id", "c1"))
            .append("update", commit()).append("new", true)).get("value");

        chunks.updateDocuments(new Document("_id", "c1"), new Document("$set", new Document("state", "done")),
            ArrayFilters.empty(), false, false, NoopOplog.get());

        assertEquals(committed(), returned);
        assertEquals("done", readClaim(chunks).get("state"));
    }

    private static MongoCollection<?> chunksWithOneClaim(AbstractMongoBackend backend) {
        MongoCollection<?> chunks = backend.resolveDatabase("push").createCollectionOrThrowIfExists("chunks");
        chunks.addDocument(new Document("_id", "c1").append("state", "reserved").append("owner", "w1")
            .append("lease", new Document("until", 10L).append("by", "w1")));
        return chunks;
    }

    private static Document readClaim(MongoCollection<?> chunks) {
        return chunks.handleQuery(new Document("_id", "c1")).iterator().next();
    }

    /** Removes one field, changes one and adds one: every kind of change the stock update makes in place. */
    private static Document commit() {
        return new Document("$set", new Document("state", "committed").append("sent", 3))
            .append("$unset", new Document("lease", ""));
    }

    private static Document committed() {
        return new Document("_id", "c1").append("state", "committed").append("owner", "w1").append("sent", 3);
    }
}
