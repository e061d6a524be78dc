package dev.push.bench;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * BSON sizes of the main document shapes, for the "At 100M members" section of docs/architecture.md:
 * {@code java -cp ~/.m2/repository/org/mongodb/bson/5.6.4/bson-5.6.4.jar src/test/java/dev/push/bench/DocumentSizes.java}
 */
public class DocumentSizes {
    static int size(Document d) {
        return new RawBsonDocument(d, new DocumentCodec()).getByteBuffer().remaining();
    }

    public static void main(String[] args) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(String.format("u-%08d", i));
        }
        System.out.println("audience chunk (1000 ids of 10 chars): "
                + size(new Document("_id", new Document("a", 12L).append("s", 17).append("k", 3)).append("ids", ids)));
        System.out.println("campaign chunk record, all sent: " + size(new Document("_id",
                new Document("c", 12L).append("s", 17).append("k", 3)).append("owner", "w-1234567890").append("size", 1000)
                .append("reserved", 1000).append("committed", 1000).append("nSent", 1000).append("nFailed", 0)
                .append("nSkipped", 0).append("nUnknown", 0).append("failed", List.of()).append("skipped", List.of())
                .append("unknown", List.of())));
        System.out.println("member (3 attributes, email + 150-char FCM token): " + size(new Document("_id", "u-00000001")
                .append("shard", 17).append("attributes", new Document("country", "FR").append("age", 31).append("tags", List.of("vip")))
                .append("addresses", new Document("email", "someone@example.org").append("fcm", "f".repeat(150)))
                .append("updatedAt", new Date())));
        Document counts = new Document("total", 0L).append("processed", 0L).append("sent", 0L).append("failed", 0L)
                .append("skipped", 0L).append("unknown", 0L);
        System.out.println("task_shards unit: " + size(new Document("_id", new Document("t", 12L).append("r", 1L).append("s", 17))
                .append("owner", "w-1").append("until", 0L).append("cursor", 0).append("done", false).append("counts", counts)
                .append("base", counts)));
    }
}
