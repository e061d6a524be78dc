package dev.push.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.h2.mvstore.MVStore;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;

import de.bwaldvogel.mongo.MongoServer;

/**
 * Not a test: measures the H2 file after 100,000 claim inserts and 110,000 fenced updates, with the stock MVStore
 * settings ({@code stock}) and with {@link EmbeddedDatabase}'s ({@code compacted}).
 * Run: {@code ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * -Dmdep.includeScope=test}, then {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * dev.push.embedded.H2FileSizeBenchmark stock|compacted DIR}. Measured 2026-11: stock 375 MB after the inserts, 506 MB
 * after the updates and at close; compacted 48 MB after the inserts, at most 65 MB during the updates, 25 MB at close.
 */
public final class H2FileSizeBenchmark {

    private static final int INSERTS = 100_000;
    private static final int UPDATES = 110_000;
    private static final int BATCH = 1_000;

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        Path dir = Files.createDirectories(Path.of(args[1]));
        Path file = dir.resolve(EmbeddedDatabase.FILE_NAME);
        Files.deleteIfExists(file);
        long started = System.nanoTime();
        if (variant.equals("stock")) {
            MVStore store = MVStore.open(file.toString());
            MongoServer server = new MongoServer(new KeyedH2Backend(store));
            String uri = server.bindAndGetConnectionString();
            run(uri, file);
            server.shutdownNow();
        } else {
            EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
            run(database.connectionString(), file);
            database.close();
        }
        System.out.printf("%s: after close %s (%d s)%n", variant, megabytes(file), (System.nanoTime() - started) / 1_000_000_000L);
    }

    private static void run(String uri, Path file) throws Exception {
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> claims = client.getDatabase("push").getCollection("campaign_chunks");
            List<Document> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < INSERTS; i++) {
                batch.add(new Document("_id", key(i)).append("owner", "w" + i % 8).append("reserved", 0)
                    .append("committed", 0).append("failed", List.of()));
                if (batch.size() == BATCH) {
                    claims.insertMany(batch);
                    batch.clear();
                }
            }
            System.out.printf("after %d inserts: %s%n", INSERTS, megabytes(file));
            List<WriteModel<Document>> updates = new ArrayList<>(BATCH);
            for (int j = 0; j < UPDATES; j++) {
                int i = j % INSERTS;
                updates.add(new UpdateOneModel<>(new Document("_id", key(i)).append("owner", "w" + i % 8),
                    new Document("$set", new Document("reserved", j).append("committed", j))));
                if (updates.size() == BATCH) {
                    claims.bulkWrite(updates);
                    updates.clear();
                }
                if ((j + 1) % 20_000 == 0) {
                    System.out.printf("after %d updates: %s%n", j + 1, megabytes(file));

                }
            }
            System.out.printf("after %d updates: %s (count %d)%n", UPDATES, megabytes(file), claims.countDocuments());
        }
    }

    private static Document key(int i) {
        return new Document("c", 1).append("s", i % 256).append("k", i / 256);
    }

    private static String megabytes(Path file) throws Exception {
        return String.format("%.1f MB", Files.size(file) / 1_000_000.0);
    }
}
