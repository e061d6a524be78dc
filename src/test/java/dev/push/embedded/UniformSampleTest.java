package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * {@code $sample} answers distinct documents of the collection, every time: the stock stage's random comparator made
 * TimSort fail the aggregation now and then ("Comparison method violates its general contract!").
 */
class UniformSampleTest {
    private static final int DOCUMENTS = 400;

    static Stream<Arguments> backends() {
        Supplier<AbstractMongoBackend> memory = KeyedMemoryBackend::new;
        Supplier<AbstractMongoBackend> h2 = () -> new KeyedH2Backend(new MVStore.Builder().open());
        return Stream.of(Arguments.of("memory", memory), Arguments.of("h2", h2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everySampleIsDistinctDocumentsOfTheCollection(String name, Supplier<AbstractMongoBackend> backends) {
        AbstractMongoBackend backend = withMembers(backends.get());
        for (int i = 0; i < 150; i++) {
            List<String> ids = sample(backend, 60);
            assertEquals(60, ids.size());
            assertEquals(60, new HashSet<>(ids).size());
            ids.forEach(id -> assertEquals(true, id.startsWith("m") && Integer.parseInt(id.substring(1)) < DOCUMENTS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyDocumentCanBeDrawn(String name, Supplier<AbstractMongoBackend> backends) {
        AbstractMongoBackend backend = withMembers(backends.get());
        Set<String> drawn = new HashSet<>();
        for (int i = 0; i < 150; i++) {
            drawn.addAll(sample(backend, 60));
        }
        assertEquals(DOCUMENTS, drawn.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aSampleLargerThanTheCollectionIsTheWholeCollectionOnce(String name, Supplier<AbstractMongoBackend> backends) {
        List<String> ids = sample(withMembers(backends.get()), DOCUMENTS * 2);

        assertEquals(DOCUMENTS, ids.size());
        assertEquals(DOCUMENTS, new HashSet<>(ids).size());
    }

    private static AbstractMongoBackend withMembers(AbstractMongoBackend backend) {
        MongoCollection<?> members = backend.resolveDatabase("push").createCollectionOrThrowIfExists("members");
        IntStream.range(0, DOCUMENTS).forEach(i -> members.addDocument(new Document("_id", "m" + i).append("n", i)));
        return backend;
    }

    @SuppressWarnings("unchecked")
    private static List<String> sample(AbstractMongoBackend backend, int size) {
        Document query = new Document("aggregate", "members")
            .append("pipeline", List.of(new Document("$sample", new Document("size", size)),
                new Document("$project", new Document("_id", 1))))
            .append("cursor", new Document());
        Document answer = backend.handleCommand(new EmbeddedChannel(), "push", "aggregate", query);
        List<Document> batch = (List<Document>) ((Document) answer.get("cursor")).get("firstBatch");
        return batch.stream().map(d -> (String) d.get("_id")).collect(Collectors.toList());
    }
}
