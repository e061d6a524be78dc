package dev.push.embedded;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * The length a value takes in BSON as the server's encoder writes it, counted without encoding it: a keyed update
 * changes the collection's data size by its changed fields' sizes, and encoding them to count was a quarter of the
 * update's samples in a capped campaign (18 of 72, docs/benchmarks.md §14). Kinds not counted here are encoded to count ({@code BsonSizeTest} holds every
 * count to the encoder's).
 */
final class BsonSize {
    /** A type byte before an element's name, and the name's terminating zero. */
    private static final int ELEMENT_OVERHEAD = 2;
    /** A document's or array's length (int32) and terminating zero. */
    private static final int CONTAINER_OVERHEAD = 5;

    private BsonSize() {
    }

    /** The size of the element {@code name: value}: its type byte, its name, its value. */
    static int element(String name, Object value) {
        int nameLength = utf8Length(name);
        int valueLength = value(value);
        return nameLength < 0 || valueLength < 0 ? encoded(name, value) : ELEMENT_OVERHEAD + nameLength + valueLength;
    }

    /** The size of a value after its element's name, or -1 for a kind not counted here. */
    private static int value(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            int length = utf8Length(s);
            return length < 0 ? -1 : 4 + length + 1;
        }
        if (value instanceof Integer) {
            return 4;
        }
        if (value instanceof Long || value instanceof Double || value instanceof Instant || value instanceof BsonTimestamp) {
            return 8;
        }
        if (value instanceof Boolean) {
            return 1;
        }
        if (value instanceof ObjectId) {
            return 12;
        }
        if (value instanceof Decimal128) {
            return 16;
        }
        if (value instanceof Map<?, ?> map) {
            int size = CONTAINER_OVERHEAD;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                size += element((String) e.getKey(), e.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> list) {
            int size = CONTAINER_OVERHEAD;
            int index = 0;
            for (Object element : list) {
                int length = value(element);
                size += length < 0 ? encoded(String.valueOf(index), element) : ELEMENT_OVERHEAD + digits(index) + length;
                index++;
            }
            return size;
        }
        return -1;
    }

    /** Encodes the element, as the one element of a document, to count it. */
    private static int encoded(String name, Object value) {
        return BsonDocumentType.bytes(new Document(name, value)).length - CONTAINER_OVERHEAD;
    }

    private static int digits(int index) {
        int digits = 1;
        for (int rest = index / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** The UTF-8 length of {@code s}, or -1 when it holds a surrogate (left to the encoder, which may replace it). */
    private static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isSurrogate(c)) {
                return -1;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
