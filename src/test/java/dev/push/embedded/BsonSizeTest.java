package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;

/** {@link BsonSize} counts every value as long as the server's encoder writes it. */
class BsonSizeTest {
    /** The element's size as the encoder writes it: the one element of a document, less the document's own 5 bytes. */
    static int encoded(String name, Object value) {
        return BsonDocumentType.bytes(new Document(name, value)).length - 5;
    }

    static void assertCounted(String name, Object value) {
        assertEquals(encoded(name, value), BsonSize.element(name, value), name + ": " + value);
    }

    @Test
    void countsEachKindOfValueAsTheEncoderWritesIt() {
        List<Object> values = List.of("", "ascii", "é à ü", "中文字", "emoji \uD83D\uDE00", "lone \uD800 surrogate",
            0, -7, Integer.MAX_VALUE, 0L, Long.MIN_VALUE, 1.5, -0.0, Double.NaN, true, false,
            Instant.ofEpochMilli(1_700_000_000_000L), new BsonTimestamp(42L), new ObjectId(), Decimal128.ONE,
            new BinData(new byte[] {1, 2, 3}), UUID.randomUUID(), new BsonRegularExpression("a.*", "i"),
            MaxKey.getInstance(), MinKey.getInstance(),
            new Document("a", 1).append("b", new Document("c", List.of("x", 2L))), new Document(),
            List.of(), Arrays.asList(1, null, "two", Instant.EPOCH, new BinData(new byte[0])));
        for (Object value : values) {
            assertCounted("field", value);
            assertCounted("é\uD83D\uDE00", value);
        }
        assertCounted("nothing", null);
    }

    @Test
    void countsTheIndexNamesOfLongLists() {
        for (int length : new int[] {9, 10, 11, 99, 100, 101, 1_000, 1_001}) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                list.add(i % 3 == 0 ? Instant.ofEpochMilli(i) : i % 3 == 1 ? (Object) ("v" + i) : new UUID(i, i));
            }
            assertCounted("at", list);
        }
    }

    @Test
    void countsRandomNestedDocuments() {
        Random random = new Random(17);
        for (int i = 0; i < 2_000; i++) {
            assertCounted("d", randomDocument(random, 3));
        }
    }

    private static Document randomDocument(Random random, int depth) {
        Document d = new Document();
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            d.put("f" + random.nextInt(1_000) + (random.nextBoolean() ? "é" : ""), randomValue(random, depth));
        }
        return d;
    }

    private static Object randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 0 ? 10 : 8)) {
            case 0: return random.nextInt();
            case 1: return random.nextLong();
            case 2: return random.nextDouble();
            case 3: return "s" + random.nextInt() + (random.nextBoolean() ? "中" : "");
            case 4: return Instant.ofEpochMilli(random.nextLong() >> 20);
            case 5: return random.nextBoolean();
            case 6: return null;
            case 7: return new ObjectId();
            case 8: return randomDocument(random, depth - 1);
            default: {
                List<Object> list = new ArrayList<>();
                int n = random.nextInt(15);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(random, depth - 1));
                }
                return list;
            }
        }
    }
}
