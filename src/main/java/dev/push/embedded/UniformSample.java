package dev.push.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.aggregation.stage.AggregationStage;
import de.bwaldvogel.mongo.backend.aggregation.stage.SampleStage;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * {@code $sample} as a reservoir sample in random order. The stock stage sorts by a comparator that draws a new random
 * number at every comparison, which TimSort may detect and reject ("Comparison method violates its general
 * contract!"), failing the aggregation now and then.
 */
final class UniformSample implements AggregationStage {
    private final int size;

    private UniformSample(int size) {
        this.size = size;
    }

    @Override
    public String name() {
        return "$sample";
    }

    @Override
    public Stream<Document> apply(Stream<Document> stream) {
        List<Document> reservoir = new ArrayList<>(Math.min(size, 1024));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long seen = 0;
        for (Iterator<Document> it = stream.iterator(); it.hasNext(); seen++) {
            Document d = it.next();
            if (reservoir.size() < size) {
                reservoir.add(d);
            } else {
                long slot = random.nextLong(seen + 1);
                if (slot < size) {
                    reservoir.set((int) slot, d);
                }
            }
        }
        Collections.shuffle(reservoir, random);
        return reservoir.stream();
    }

    /** Whether an {@code aggregate} command's pipeline has a {@code $sample} stage. */
    static boolean asked(String command, Document query) {
        return command.equalsIgnoreCase("aggregate") && !sizes(query).isEmpty();
    }

    /**
     * The answer to an {@code aggregate} command with {@code $sample} stages: the stock pipeline, checked as the stock
     * command checks it, with each {@code $sample} stage replaced by this one, answered in one batch as the stock
     * command answers.
     */
    static Document answer(MongoDatabase database, String namespace, MongoCollection<?> collection, Document query,
                           DatabaseResolver resolver, Oplog oplog) {
        Aggregation aggregation = Aggregation.fromPipeline(query.get("pipeline"), resolver, database, collection, oplog);
        aggregation.validate(query);
        Iterator<Integer> sizes = sizes(query).iterator();
        for (ListIterator<AggregationStage> it = aggregation.getStages().listIterator(); it.hasNext(); ) {
            if (it.next() instanceof SampleStage) {
                it.set(new UniformSample(sizes.next()));
            }
        }
        Document cursor = new Document("id", 0L).append("ns", namespace).append("firstBatch", aggregation.computeResult());
        return new Document("cursor", cursor).append("ok", 1.0);
    }

    private static List<Integer> sizes(Document query) {
        List<Integer> sizes = new ArrayList<>();
        if (query.get("pipeline") instanceof List<?> stages) {
            for (Object stage : stages) {
                if (stage instanceof Document d && d.get("$sample") instanceof Document spec
                    && spec.get("size") instanceof Number n) {
                    sizes.add(n.intValue());
                }
            }
        }
        return sizes;
    }
}
