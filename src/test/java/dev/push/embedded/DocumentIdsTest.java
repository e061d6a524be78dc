package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.Document;

class DocumentIdsTest {

    private static Document chunk(long campaign, int shard, int k) {
        return new Document("c", campaign).append("s", shard).append("k", k);
    }

    @Test
    void idsThatAreDocumentsAreOrderedFieldByFieldAndNumbersAsNumbers() {
        List<Document> ordered = List.of(chunk(2, 0, 0), chunk(2, 0, 1), chunk(2, 0, 10), chunk(2, 1, 0), chunk(10, 0, 0),
            chunk(10, 255, 3));
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = 0; j < ordered.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)),
                    Integer.signum(DocumentIds.INSTANCE.compare(ordered.get(i), ordered.get(j))), i + " vs " + j);
            }
        }
    }

    @Test
    void idsAreExactAsBeforeAnIntIsNotALongAndFieldOrderCounts() {
        assertNotEquals(0, DocumentIds.INSTANCE.compare(new Document("k", 1), new Document("k", 1L)));
        assertNotEquals(0, DocumentIds.INSTANCE.compare(new Document("a", 1).append("b", 2), new Document("b", 2).append("a", 1)));
        assertEquals(0, DocumentIds.INSTANCE.compare(chunk(7, 3, 1), chunk(7, 3, 1)));
        Document nested = new Document("u", new Document("a", "x").append("n", 2.5));
        assertEquals(0, DocumentIds.INSTANCE.compare(nested, new Document("u", new Document("a", "x").append("n", 2.5))));
    }

    @Test
    void documentIdsSitTogetherAfterStringsAndNumbersAsInH2sOrder() {
        List<Object> ids = new ArrayList<>(List.of("m-1", 5L, 3, chunk(1, 0, 0), chunk(0, 9, 9), "a"));
        ids.sort(DocumentIds.INSTANCE::compare);
        assertEquals(List.of(chunk(0, 9, 9), chunk(1, 0, 0)), ids.subList(4, 6), ids.toString());
        ObjectDataType stock = new ObjectDataType();
        for (Object id : ids.subList(0, 4)) {
            assertTrue(stock.compare(id, chunk(0, 0, 0)) < 0, id + " comes before documents in H2's order too");
        }
    }

    @Test
    void everyIdReadsBackEqualIncludingThoseAFileHoldsJavaSerialized() {
        List<Object> ids = List.of(chunk(4, 1, 7), "m-1", 42L, new Document("u", new Document("a", "x")).append("n", 2.5));
        WriteBuffer ours = new WriteBuffer();
        WriteBuffer stock = new WriteBuffer();
        ids.forEach(id -> DocumentIds.INSTANCE.write(ours, id));
        ids.forEach(id -> new ObjectDataType().write(stock, id));
        for (WriteBuffer written : List.of(ours, stock)) {
            ByteBuffer in = written.getBuffer().flip();
            for (Object id : ids) {
                assertEquals(id, DocumentIds.INSTANCE.read(in));
            }
            assertEquals(0, in.remaining());
        }
        assertTrue(ours.position() < stock.position() / 3, ours.position() + " bytes against " + stock.position());
    }
}
