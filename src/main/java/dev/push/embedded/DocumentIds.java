package dev.push.embedded;

import java.nio.ByteBuffer;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The key type of a collection's document map, whose keys are the ids: ids that are embedded documents (the chunk
 * records') are ordered by {@link ExactDocumentOrder} and written as BSON behind a tag of their own; every other id
 * (strings, numbers) as H2 orders and writes it. The documents stay contiguous among the other ids, as in H2's order,
 * so the order is total.
 */
final class DocumentIds extends ObjectDataType {
    static final DocumentIds INSTANCE = new DocumentIds();
    /** A tag {@link ObjectDataType} does not use (its tags are 0–19 and 32–119). */
    static final byte DOCUMENT = 127;

    private DocumentIds() {
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof Document x && b instanceof Document y) {
            return ExactDocumentOrder.compare(x, y, super::compare);
        }
        return super.compare(a, b);
    }

    @Override
    public void write(WriteBuffer buff, Object id) {
        if (id instanceof Document document) {
            buff.put(DOCUMENT);
            ExactDocumentOrder.write(buff, document);
            return;
        }
        super.write(buff, id);
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) == DOCUMENT) {
            buff.get();
            return ExactDocumentOrder.read(buff);
        }
        return super.read(buff);
    }
}
