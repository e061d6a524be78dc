package dev.push.embedded;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A cursor that pulls matches from a lazy scan batch by batch, instead of holding them all. */
final class StreamingCursor extends AbstractCursor {
    private final Iterator<Document> matches;

    StreamingCursor(long id, Iterator<Document> matches) {
        super(id);
        this.matches = matches;
    }

    @Override
    public synchronized boolean isEmpty() {
        return !matches.hasNext();
    }

    @Override
    public synchronized List<Document> takeDocuments(int numberToReturn) {
        List<Document> batch = new ArrayList<>();
        while ((numberToReturn <= 0 || batch.size() < numberToReturn) && matches.hasNext()) {
            batch.add(matches.next());
        }
        return batch;
    }
}
