package dev.push.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/** An H2 collection that narrows exact-{@code _id} filters by key first (see {@link KeyLookup}). */
final class KeyedH2Collection extends H2Collection implements ExaminedCounter {

    private final MVMap<Object, Document> documents;
    private final LongAdder examined = new LongAdder();
    private final InPlaceUpdates inPlaceUpdates = new InPlaceUpdates();

    KeyedH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> documents,
                      MVMap<String, Object> meta, CursorRegistry cursors) {
        super(database, name, options, documents, meta, cursors);
        this.documents = documents;
    }

    @Override
    public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
                                                 boolean isMulti, boolean isUpsert, Oplog oplog) {
        UpdateByKey.Result keyed = UpdateByKey.apply(keyedTarget, selector, update, arrayFilters, isMulti, isUpsert);
        if (keyed != null) {
            if (keyed.upserted() != null) {
                oplog.handleInsert(getFullName(), List.of(keyed.upserted()));
            }
            oplog.handleUpdate(getFullName(), selector, update, keyed.modified() ? List.of(keyed.id()) : List.of());
            return keyed.answer();
        }
        return inPlaceUpdates.run(() -> super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog));
    }

    private final UpdateByKey.Target keyedTarget = new UpdateByKey.Target() {
        @Override
        public Document stored(Object id) {
            return documents.get(id);
        }

        @Override
        public boolean matches(Document document, Document filter) {
            return documentMatchesQuery(document, filter);
        }

        @Override
        public List<? extends Index<?>> indexes() {
            return getIndexes();
        }

        @Override
        public void replace(Object id, Document stored, Document changed, Set<String> fields) {
            handleUpdate(id, stored, changed);
            updateDataSize(BsonDocumentType.fieldsSize(changed, fields) - BsonDocumentType.fieldsSize(stored, fields));
        }

        @Override
        public void insert(Document document) {
            addDocument(document);
        }
    };

    @Override
    public synchronized Document findAndModify(Document query) {
        return inPlaceUpdates.run(() -> super.findAndModify(query));
    }

    /** An update changes what it finds in place, so it finds copies: a stored document never changes (see {@link InPlaceUpdates}). */
    @Override
    protected QueryResult queryDocuments(Document filter, Document orderBy, int skip, int limit, int batchSize,
                                         Document projection) {
        QueryResult found = find(filter, orderBy, skip, limit, batchSize, projection);
        return inPlaceUpdates.running() ? InPlaceUpdates.copies(found) : found;
    }

    private QueryResult find(Document filter, Document orderBy, int skip, int limit, int batchSize,
                             Document projection) {
        Set<Object> unresolved = new LinkedHashSet<>();
        List<Object> positions = byDocumentKey(filter, unresolved);
        if (positions == null) {
            UnaryOperator<Document> project = idOnlyProjection(projection);
            if (project != null && streamable(filter, orderBy, skip, limit, batchSize)) {
                return streamingScan(filter, batchSize, project);
            }
            List<Document> keyset = keysetPage(filter, orderBy, skip, limit, project);
            if (keyset != null) {
                return new QueryResult(keyset);
            }
            List<Object> page = keyOrderedPage(filter, orderBy, skip, limit);
            if (page != null) {
                return matchDocuments(filter, page, orderBy, 0, limit, batchSize, projection);
            }
            return super.queryDocuments(filter, orderBy, skip, limit, batchSize, projection);
        }
        // Keep the order of the stock scan: the document map's key order, or for $natural: -1 the descending value
        // order the stock H2 collection sorts by. Ties under a sort then come out exactly as they would unnarrowed.
        // Where the stock index would have served the filter, its order: the ids' value order (even under $natural).
        boolean stockIndexServes = getIndexes().stream().anyMatch(index -> index.canHandle(filter));
        boolean direct = unresolved.isEmpty();
        Comparator<Object> natural = stockIndexServes ? ValueComparator.asc()
            : isNaturalDescending(orderBy) ? ValueComparator.desc()
            : documents.getKeyType()::compare;
        positions.sort(natural);
        return matchDocuments(direct ? KeyLookup.withoutExactIds(filter, projection) : filter, positions, orderBy, skip,
            limit, batchSize, projection);
    }

    /**
     * The documents a filter with exact ids can match, found in the document map itself, whose
     * keys are the ids: one lookup per id instead of one in the {@code _id} index (whose keys are
     * compared by Java-serializing both, for every comparison) and then one in this map. An id
     * not found as such may still equal a stored id of another form (1 and 1L, an embedded
     * document with numbers of another type): those are looked up in the index as before. A
     * string equals only the same string, so a string not found is not there.
     */
    private List<Object> byDocumentKey(Document filter, Set<Object> unresolved) {
        Object condition = KeyLookup.idCondition(filter);
        List<Object> ids = condition == null ? null : KeyLookup.exactIds(condition);
        if (ids == null) {
            return null;
        }
        Set<Object> positions = new LinkedHashSet<>();
        for (Object id : ids) {
            if (documents.containsKey(id)) {
                positions.add(id);
            } else if (!(id instanceof String)) {
                unresolved.add(id);
            }
        }
        if (!unresolved.isEmpty()) {
            Index<Object> idIndex = KeyLookup.idIndex(getIndexes());
            if (idIndex == null) {
                return null;
            }
            KeyLookup.addIndexPositions(idIndex, unresolved, positions);
        }
        return new ArrayList<>(positions);
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

    /**
     * {@code find(filter).sort({_id: 1}).limit(n)} where the filter bounds {@code _id} between
     * strings: the first n matches of a walk of that key range, in key order, which is the order
     * the stock engine sorts string ids in. This is how a query scan reads its next batch after
     * the last id it staged; the stock path would match the whole collection and sort every match
     * for each batch. Null when the stock path must answer.
     */
    private List<Document> keysetPage(Document filter, Document orderBy, int skip, int limit,
                                      UnaryOperator<Document> project) {
        if (project == null || skip > 0 || limit <= 0 || orderBy == null || orderBy.size() != 1
                || !Integer.valueOf(1).equals(orderBy.get(getIdField()))) {
            return null;
        }
        KeyRange range = KeyRange.of(filter);
        if (range == null) {
            return null;
        }
        return walk(range).filter(d -> documentMatchesQuery(d, filter)).limit(limit).map(project).toList();
    }

    /**
     * {@code find({}).sort({_id: 1}).skip(n).limit(m)} over string ids, answered from the map's
     * counted key order in O(log n) instead of a sort of the whole collection: how a range scan
     * picks its split points. Null when the stock path must answer (a filter, another sort, or
     * ids that are not all strings, whose map order could differ from the query engine's).
     */
    private List<Object> keyOrderedPage(Document filter, Document orderBy, int skip, int limit) {
        if ((filter != null && !filter.isEmpty()) || limit <= 0 || orderBy == null || orderBy.size() != 1
                || !Integer.valueOf(1).equals(orderBy.get(getIdField())) || documents.isEmpty()
                || !(documents.firstKey() instanceof String) || !(documents.lastKey() instanceof String)) {
            return null;
        }
        List<Object> keys = new ArrayList<>();
        for (long i = skip; i < Math.min(documents.sizeAsLong(), (long) skip + limit); i++) {
            keys.add(documents.getKey(i));
        }
        return keys;
    }

    /**
     * The projections the streaming scan serves itself: none, or the id alone (all the query scan
     * asks for); null for any other, which goes the stock way.
     */
    private UnaryOperator<Document> idOnlyProjection(Document projection) {
        if (projection == null || projection.isEmpty()) {
            return UnaryOperator.identity();
        }
        String id = getIdField();
        if (projection.size() == 1 && isIncluded(projection.get(id))) {
            return d -> new Document(id, d.get(id));
        }
        return null;
    }

    private static boolean isIncluded(Object flag) {
        return flag instanceof Number n ? n.intValue() == 1 : Boolean.TRUE.equals(flag);
    }

    private QueryResult streamingScan(Document filter, int batchSize, UnaryOperator<Document> project) {
        KeyRange range = KeyRange.of(filter);
        Iterator<Document> matches = (range == null ? documents.values().stream() : walk(range))
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

    /** The documents whose string keys lie in the range, in key order, read lazily. */
    private Stream<Document> walk(KeyRange range) {
        Cursor<Object, Document> cursor = documents.cursor(range.from() == null ? "" : range.from());
        Iterator<Document> inRange = new Iterator<>() {
            private Document next;

            @Override
            public boolean hasNext() {
                if (next == null && cursor.hasNext()) {
                    Object key = cursor.next();
                    if (key instanceof String id && !range.endsBefore(id)) {
                        next = cursor.getValue();
                    }
                }
                return next != null;
            }

            @Override
            public Document next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Document d = next;
                next = null;
                return d;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(inRange, Spliterator.ORDERED), false);
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
