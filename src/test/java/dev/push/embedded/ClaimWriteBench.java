package dev.push.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

import org.bson.Document;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Updates;

import dev.push.storage.CoordinationConcern;

/**
 * Not a test: what a claim write costs on the embedded H2 server, acknowledged as before ({@code w:1}) and
 * durable ({@link CoordinationConcern#WRITES}), with 1, 4 and 8 writers at once (the workers of one or two
 * instances), each doing the claim protocol's fenced reserve and commit updates on chunk records of its own
 * for a few seconds. Run after {@code ./mvnw package}: {@code java -cp
 * "target/test-classes:target/quarkus-app/lib/main/*:target/quarkus-app/app/*" dev.push.embedded.ClaimWriteBench DIR}.
 */
public final class ClaimWriteBench {
    private static final long MILLIS_PER_CASE = 5_000;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        System.out.println("| writers | write concern | claim writes/s | mean latency (ms) | syncs |");
        System.out.println("|---|---|---|---|---|");
        for (int writers : new int[] {1, 4, 8}) {
            for (WriteConcern concern : List.of(WriteConcern.ACKNOWLEDGED, CoordinationConcern.WRITES)) {
                Path data = Files.createTempDirectory(dir, "claims");
                try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(data, 0));
                     MongoClient client = MongoClients.create(database.connectionString())) {
                    MongoCollection<Document> chunks = client.getDatabase("push").getCollection("campaign_chunks")
                            .withWriteConcern(concern);
                    long[] result = run(chunks, writers);
                    long syncs = ((KeyedH2Backend) database.backend()).journalRounds();
                    System.out.printf("| %d | %s | %.0f | %.2f | %d |%n", writers,
                            concern == WriteConcern.ACKNOWLEDGED ? "w:1" : "majority, j", result[0] * 1000.0 / MILLIS_PER_CASE,
                            result[1] / 1e6 / Math.max(1, result[0]), syncs);
                }
            }
        }
    }

    /** Writes for {@link #MILLIS_PER_CASE}; answers {writes, total nanoseconds waited}. */
    private static long[] run(MongoCollection<Document> chunks, int writers) throws Exception {
        LongAdder writes = new LongAdder();
        LongAdder nanos = new LongAdder();
        long until = System.currentTimeMillis() + MILLIS_PER_CASE;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String me = "worker-" + w;
                done.add(pool.submit(() -> {
                    int k = 0;
                    while (System.currentTimeMillis() < until) {
                        Document key = new Document("c", 1).append("s", me).append("k", k++);
                        chunks.insertOne(new Document("_id", key).append("owner", me).append("reserved", 0).append("committed", 0));
                        for (int from = 0; from < 1_000 && System.currentTimeMillis() < until; from += 100) {
                            long t0 = System.nanoTime();
                            chunks.updateOne(new Document("_id", key).append("owner", me).append("reserved", from),
                                    Updates.set("reserved", from + 100));
                            chunks.updateOne(new Document("_id", key).append("owner", me).append("reserved", from + 100), Updates.combine(Updates.set("committed", from + 100),
                                    Updates.inc("nSent", 100)));
                            nanos.add(System.nanoTime() - t0);
                            writes.add(2);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new long[] {writes.sum(), nanos.sum()};
    }
}
