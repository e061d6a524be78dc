package dev.push.embedded;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;

import java.nio.ByteBuffer;

/**
 * The order of embedded documents used as keys (the chunk records' {@code {c, s, k}} ids): field by field in their
 * order, names as strings, values of one class by their natural order, documents recursively; values of different or
 * unordered classes by {@code others} (H2's order, which groups them by type). Exact like the Java-serialized bytes H2
 * compared before — {@code 1} and {@code 1L} differ, so do the same fields in another order — at a fraction of the
 * cost: H2 serialized both sides at every comparison of such a key, the largest single cost of claims and commits in
 * the profiles of docs/benchmarks.md. Keys are written as BSON behind a tag of their own.
 */
final class ExactDocumentOrder {
    private ExactDocumentOrder() {
    }

    static int compare(Document a, Document b, Comparator<Object> others) {
        Iterator<Map.Entry<String, Object>> x = a.entrySet().iterator();
        Iterator<Map.Entry<String, Object>> y = b.entrySet().iterator();
        while (x.hasNext() && y.hasNext()) {
            Map.Entry<String, Object> p = x.next();
            Map.Entry<String, Object> q = y.next();
            int c = p.getKey().compareTo(q.getKey());
            if (c != 0) {
                return c;
            }
            c = compareValues(p.getValue(), q.getValue(), others);
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(x.hasNext(), y.hasNext());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b, Comparator<Object> others) {
        if (a instanceof Document p && b instanceof Document q) {
            return compare(p, q, others);
        }
        if (a != null && b != null && a.getClass() == b.getClass() && a instanceof Comparable c) {
            return c.compareTo(b);
        }
        return others.compare(a, b);
    }

    static void write(WriteBuffer buff, Document document) {
        ByteBuf bson = Unpooled.buffer(64);
        try {
            BsonEncoder.encodeDocument(document, bson);
            int length = bson.readableBytes();
            buff.putVarInt(length);
            byte[] bytes = new byte[length];
            bson.readBytes(bytes);
            buff.put(bytes);
        } finally {
            bson.release();
        }
    }

    static Document read(ByteBuffer buff) {
        byte[] bytes = new byte[DataUtils.readVarInt(buff)];
        buff.get(bytes);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }
}
