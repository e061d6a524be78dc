package dev.push.embedded;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;

/** A memory collection that narrows exact-{@code _id} filters by key first (see {@link KeyLookup}). */
final class KeyedMemoryCollection extends MemoryCollection implements ExaminedCounter {

    private final LongAdder examined = new LongAdder();

    KeyedMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
        super(database, name, options, cursors);
    }

    @Override
    protected QueryResult queryDocuments(Document filter, Document orderBy, int skip, int limit, int batchSize,
                                         Document projection) {
        List<Integer> positions = KeyLookup.candidates(getIndexes(), filter);
        if (positions == null) {
            return super.queryDocuments(filter, orderBy, skip, limit, batchSize, projection);
        }
        // A full scan walks the document list in position order (backwards for $natural: -1); keep that order so
        // results, including ties under a sort, come out exactly as the stock scan gives them.
        Comparator<Integer> natural = Comparator.naturalOrder();
        positions.sort(isNaturalDescending(orderBy) ? natural.reversed() : natural);
        return matchDocuments(filter, positions, orderBy, skip, limit, batchSize, projection);
    }

    @Override
    protected boolean documentMatchesQuery(Document document, Document query) {
        examined.increment();
        return super.documentMatchesQuery(document, query);
    }

    @Override
    public long documentsExamined() {
        return examined.sum();
    }
}
