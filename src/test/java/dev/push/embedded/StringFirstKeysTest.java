package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.bson.types.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;

class StringFirstKeysTest {

    private static final List<KeyValue> KEYS = List.of(
        new KeyValue("news:*|member-1"), new KeyValue(""), new KeyValue("é ü 中文 \uD83D\uDE00"),
        new KeyValue(42L), new KeyValue(42.0), new KeyValue(-1.5), new KeyValue(new Document("c", 4).append("s", 1)),
        new KeyValue("a", "b"),
        new KeyValue(new ObjectId().toHexString()));

    @Test
    void everyKeyReadsBackEqualToTheKeyWritten() {
        WriteBuffer out = new WriteBuffer();
        KEYS.forEach(k -> StringFirstKeys.INSTANCE.write(out, k));
        ByteBuffer in = out.getBuffer().flip();
        for (KeyValue key : KEYS) {
            assertEquals(key, StringFirstKeys.INSTANCE.read(in));
        }
        assertEquals(0, in.remaining());
    }

    @Test
    void keysAFileHoldsInH2sJavaSerializedFormAreStillRead() {
        WriteBuffer out = new WriteBuffer();
        ObjectDataType stock = new ObjectDataType();
        KEYS.forEach(k -> stock.write(out, k));
        ByteBuffer in = out.getBuffer().flip();
        for (KeyValue key : KEYS) {
            assertEquals(key, StringFirstKeys.INSTANCE.read(in));
        }
        assertEquals(0, in.remaining());
    }

    @Test
    void stringsComeFirstThenNumbersInNumericOrderThenEverythingElse() {
        List<KeyValue> ordered = List.of(new KeyValue("a"), new KeyValue("b"), new KeyValue(-1.5), new KeyValue(2.0),
            new KeyValue(10.0), new KeyValue(1_000_000.0));
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = 0; j < ordered.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)),
                    Integer.signum(StringFirstKeys.INSTANCE.compare(ordered.get(i), ordered.get(j))), i + " vs " + j);
            }
            assertTrue(StringFirstKeys.INSTANCE.compare(ordered.get(i), new KeyValue(new Document("c", 1))) < 0);
            assertTrue(StringFirstKeys.INSTANCE.compare(new KeyValue("a", "b"), ordered.get(i)) > 0);
        }
    }

    @Test
    void aKeyOfOneStringIsWrittenAsTheStringNotAsASerializedObject() {
        WriteBuffer compact = new WriteBuffer();
        StringFirstKeys.INSTANCE.write(compact, new KeyValue("news:*|member-1"));
        WriteBuffer stock = new WriteBuffer();
        new ObjectDataType().write(stock, new KeyValue("news:*|member-1"));
        assertEquals(StringFirstKeys.ONE_STRING, compact.getBuffer().get(0));
        assertEquals(1 + 1 + "news:*|member-1".length(), compact.position());
        assertTrue(stock.position() > 3 * compact.position(), "stock form: " + stock.position() + " bytes");
    }
}
