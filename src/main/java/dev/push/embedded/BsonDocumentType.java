package dev.push.embedded;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Stores documents in the H2 map as BSON, with the server's own wire codec, instead of H2's
 * default Java serialization. Measured on a member document (5 fields, two embedded): decoding
 * took 13 to 36 µs Java-deserialized and about 1 µs as BSON, encoding 3 to 5 µs against 0.3 to
 * 0.6 µs, and it is 154 bytes instead of 551. Every scan, lookup and write of the embedded
 * database decodes or encodes documents, so this is most of its cost.
 */
final class BsonDocumentType extends BasicDataType<Document> {
    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(Document document) {
        return 24 + estimate(document);
    }

    /** A cheap guess at the heap a decoded document takes, for H2's page sizes and cache. */
    private static int estimate(Object value) {
        if (value instanceof Map<?, ?> map) {
            int size = 48;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                size += 32 + 2 * String.valueOf(e.getKey()).length() + estimate(e.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> list) {
            int size = 24;
            for (Object o : list) {
                size += 8 + estimate(o);
            }
            return size;
        }
        if (value instanceof String s) {
            return 40 + s.length();
        }
        return 16;
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        buffer.put(bytes(document));
    }

    @Override
    public Document read(ByteBuffer buffer) {
        // A BSON document starts with its own length (little-endian int32, the length included).
        int length = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }

    /** Values are never ordered by H2 here; equal documents compare 0, others by their bytes. */
    @Override
    public int compare(Document a, Document b) {
        if (a.equals(b)) {
            return 0;
        }
        return Arrays.compare(bytes(a), bytes(b));
    }

    /**
     * The BSON size of {@code document}'s elements named in {@code fields}: two documents that differ only there differ in
     * size by the difference of this, without encoding either whole (a keyed update changes one or two fields of a
     * document whose other fields may be long).
     */
    static int fieldsSize(Document document, Collection<String> fields) {
        int size = 0;
        for (String field : fields) {
            if (document.containsKey(field)) {
                size += BsonSize.element(field, document.get(field));
            }
        }
        return size;
    }

    static byte[] bytes(Document document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            byte[] bytes = new byte[bson.readableBytes()];
            bson.readBytes(bytes);
            return bytes;
        } finally {
            bson.release();
        }
    }
}
