package dev.push.db;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
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
