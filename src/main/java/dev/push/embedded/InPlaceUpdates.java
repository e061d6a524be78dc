package dev.push.embedded;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The stock update and find-and-modify change, in place, the document instance their query found; the stock read
 * answers with stored instances, which the server encodes onto the wire after the collection's lock is released.
 * So a document once handed out must never change afterwards, or a reader sees half an update (or fails on a
 * {@link java.util.ConcurrentModificationException}), and so does H2 when it serializes a page that holds it: that
 * panicked the store under many concurrent triggered sends (docs/benchmarks.md). Each backend breaks the sharing on
 * one side: H2 gives updates private copies, whose result it stores as a new instance; the memory backend, which
 * keeps the instances an update changes, gives readers copies taken under the lock.
 * <p>
 * One per collection; used only under the collection's lock, like the updates it marks.
 */
final class InPlaceUpdates {
    private boolean running;

    /** Runs a stock update or find-and-modify, marked as such for {@link #running()}. */
    <T> T run(Supplier<T> update) {
        running = true;
        try {
            return update.get();
        } finally {
            running = false;
        }
    }

    /** Whether the query being answered is an update's. */
    boolean running() {
        return running;
    }

    /** The result's documents as deep copies, made as they are read (an update stops after its first match). */
    static QueryResult copies(QueryResult result) {
        return new QueryResult(() -> new CopyingIterator(result.iterator()), result.getCursorId());
    }

    /** Deep copies of the matched documents, every one made now. */
    static List<Document> copies(List<Document> documents) {
        List<Document> copies = new ArrayList<>(documents.size());
        for (Document document : documents) {
            copies.add(document.cloneDeeply());
        }
        return copies;
    }

    private record CopyingIterator(Iterator<Document> stored) implements Iterator<Document> {
        @Override
        public boolean hasNext() {
            return stored.hasNext();
        }

        @Override
        public Document next() {
            return stored.next().cloneDeeply();
        }
    }
}
