package dev.push.embedded;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/** A memory collection that narrows exact-{@code _id} filters by key first (see {@link KeyLookup}). */
final class KeyedMemoryCollection extends MemoryCollection implements ExaminedCounter {

    private final LongAdder examined = new LongAdder();
    private final InPlaceUpdates inPlaceUpdates = new InPlaceUpdates();

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
    public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
                                                 boolean isMulti, boolean isUpsert, Oplog oplog) {
        return inPlaceUpdates.run(() -> super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog));
    }

    /** The document answered is a copy too: with {@code new: true} the stock answer is the stored instance. */
    @Override
    public synchronized Document findAndModify(Document query) {
        Document answer = inPlaceUpdates.run(() -> super.findAndModify(query));
        if (answer.get("value") instanceof Document value) {
            answer.put("value", value.cloneDeeply());
        }
        return answer;
    }

    /**
     * Readers get copies taken now, under the lock: this backend's updates change the stored instances, and the server
     * encodes an answer (and a cursor's later batches) after the lock is released (see {@link InPlaceUpdates}).
     */
    @Override
    protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
        return super.createQueryResult(inPlaceUpdates.running() ? matched : InPlaceUpdates.copies(matched), batchSize);
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
