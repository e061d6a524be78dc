package dev.push.bench;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;

/**
 * How long the embedded database takes to decode and encode one member document: Java
 * serialization (H2's default for values, what the stock backend stores) against BSON (the
 * server's wire codec, what Push's H2 backend stores). Not a test; run by hand:
 * {@code java -cp "target/test-classes:$(cat target/bench/classpath)" dev.push.bench.CodecBench}
 */
public final class CodecBench {
    private CodecBench() {
    }

    public static void main(String[] args) throws Exception {
        Document member = new Document("_id", "m123456").append("shard", 77)
                .append("attributes", new Document("age", 33).append("country", "FR"))
                .append("addresses", new Document("webhook", "http://127.0.0.1:40000/hook/g3"))
                .append("updatedAt", Instant.now());
        byte[] java = javaBytes(member);
        byte[] bson = bsonBytes(member);
        System.out.printf("member document: %d bytes Java-serialized, %d bytes BSON%n", java.length, bson.length);
        int n = 200_000;
        for (int round = 1; round <= 3; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(java))) {
                    in.readObject();
                }
            }
            double readJava = micros(t, n);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
            }
            double readBson = micros(t, n);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                javaBytes(member);
            }
            double writeJava = micros(t, n);
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                bsonBytes(member);
            }
            double writeBson = micros(t, n);
            System.out.printf("round %d: decode %.2f µs Java, %.2f µs BSON; encode %.2f µs Java, %.2f µs BSON%n",
                    round, readJava, readBson, writeJava, writeBson);
        }
    }

    private static double micros(long start, int n) {
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static byte[] javaBytes(Document d) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        return bytes.toByteArray();
    }

    private static byte[] bsonBytes(Document d) {
        ByteBuf buf = Unpooled.buffer(256);
        BsonEncoder.encodeDocument(d, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }
}
