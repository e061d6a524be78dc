package dev.push.db;

import java.util.Comparator;
import java.util.Iterator;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.ProjectionAccess;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;

/** An H2 collection that narrows exact-{@code _id} filters by key first (see {@link KeyLookup}). */
final class KeyedH2Collection extends H2Collection implements ExaminedCounter {

    private final MVMap<Object, Document> documents;
    private final LongAdder examined = new LongAdder();

    KeyedH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> documents,
                      MVMap<String, Object> meta, CursorRegistry cursors) {
        super(database, name, options, documents, meta, cursors);
        this.documents = documents;
    }

    @Override
    protected QueryResult queryDocuments(Document filter, Document orderBy, int skip, int limit, int batchSize,
                                         Document projection) {
        List<Object> positions = KeyLookup.candidates(getIndexes(), filter);
        if (positions == null) {
            if (streamable(filter, orderBy, skip, limit, batchSize)) {
                return streamingScan(filter, batchSize, projection);
            }
            return super.queryDocuments(filter, orderBy, skip, limit, batchSize, projection);
        }
        // Keep the order of the stock scan: the document map's key order, or for $natural: -1 the descending value
        // order the stock H2 collection sorts by. Ties under a sort then come out exactly as they would unnarrowed.
        Comparator<Object> natural = isNaturalDescending(orderBy)
            ? ValueComparator.desc()
            : documents.getKeyType()::compare;
        positions.sort(natural);
        return matchDocuments(filter, positions, orderBy, skip, limit, batchSize, projection);
    }

    /**
     * A scan that can answer batch by batch: no key to narrow by, no index that serves the
     * filter, no sort, skip or limit, and the client asked for batches. The stock path would
     * collect every match first (an audience query over 1,000,000 members held ~500,000 of
     * them); this one walks the document map lazily, in the same order.
     */
    private boolean streamable(Document filter, Document orderBy, int skip, int limit, int batchSize) {
        if (batchSize <= 0 || skip > 0 || limit > 0 || (orderBy != null && !orderBy.isEmpty())) {
            return false;
        }
        return getIndexes().stream().noneMatch(index -> index.canHandle(filter));
    }

    private QueryResult streamingScan(Document filter, int batchSize, Document projection) {
        UnaryOperator<Document> project = ProjectionAccess.of(projection, getIdField());
        Iterator<Document> matches = documents.values().stream()
                .filter(d -> documentMatchesQuery(d, filter))
                .map(project)
                .iterator();
        StreamingCursor cursor = new StreamingCursor(cursorRegistry.generateCursorId(), matches);
        List<Document> first = cursor.takeDocuments(batchSize);
        if (cursor.isEmpty()) {
            return new QueryResult(first);
        }
        cursorRegistry.add(cursor);
        return new QueryResult(first, cursor);
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
