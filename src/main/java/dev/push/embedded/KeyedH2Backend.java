package dev.push.embedded;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * The H2 (MVStore file) backend with key-narrowed filters and documents stored as BSON. The caller
 * owns the store's settings.
 * <p>
 * A write whose write concern asks for the journal ({@link JournaledWrite}) is answered only after the
 * store has committed and synced its file ({@link GroupCommit}); other writes reach the file with H2's
 * automatic commit, about a second later, and are lost if the process dies before.
 */
public final class KeyedH2Backend extends H2Backend implements KeyedBackend {
    /** MongoDB's code for a write whose write concern could not be satisfied. */
    private static final int WRITE_CONCERN_FAILED = 64;

    private final GroupCommit groupCommit;

    public KeyedH2Backend(MVStore store) {
        super(store);
        this.groupCommit = new GroupCommit(store);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Document answer = super.handleCommand(channel, database, command, query);
        if (command.equalsIgnoreCase("ismaster")) {
            answer.put(EmbeddedMarker.FIELD, EmbeddedMarker.DURABLE);
        } else if (JournaledWrite.asked(query)) {
            try {
                groupCommit.awaitDurable();
            } catch (IllegalStateException e) {
                throw new MongoServerError(WRITE_CONCERN_FAILED, "WriteConcernFailed", e.getMessage(), e);
            }
        }
        return answer;
    }

    /** Commit-and-sync rounds the journaled writes caused so far. */
    public long journalRounds() {
        return groupCommit.rounds();
    }

    @Override
    public void close() {
        groupCommit.close();
        if (getMvStore().getPanicException() != null) {
            // A panicked store cannot commit: release the file and leave recovery to the next open, as after a crash.
            getMvStore().closeImmediately();
            return;
        }
        super.close();
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String name) {
        return new Database(name);
    }

    @Override
    public long documentsExamined(String database, String collection) {
        return listDatabaseNames().contains(database) ? ExaminedCounter.of(resolveDatabase(database), collection) : 0;
    }

    /**
     * An inner class on purpose: H2Database opens its existing collections from its own constructor, before a
     * subclass could have stored the store, and H2Backend opens existing databases from its constructor too. The
     * enclosing backend reference is assigned before the superclass constructor runs, so the store is reachable.
     */
    private final class Database extends H2Database {

        Database(String name) {
            super(name, getMvStore(), getCursorRegistry());
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String name, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(name);
            MVStore store = getMvStore();
            MVMap<Object, Document> documents = openDocuments(store, namespace);
            MVMap<String, Object> meta = store.openMap("meta." + namespace);
            return new KeyedH2Collection(this, name, options, documents, meta, cursorRegistry);
        }

        /** {@code $sample} is answered by {@link UniformSample}. */
        @Override
        public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver,
                                      Oplog oplog) {
            if (UniformSample.asked(command, query) && query.get(command) instanceof String name) {
                clearLastStatus(channel);
                return UniformSample.answer(this, getFullCollectionNamespace(name), resolveCollection(name, false),
                    query, resolver, oplog);
            }
            return super.handleCommand(channel, command, query, resolver, oplog);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            return new KeyedUniqueIndex(openIndex(getMvStore(), indexMap(collectionName, indexName)), indexName, keys, sparse);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            String name = indexMap(collection.getCollectionName(), indexName) + KEYED_INDEX;
            if (getMvStore().hasMap(name)) {
                getMvStore().removeMap(name);
            }
        }

        /** The stock index map's name; {@link #KEYED_INDEX} is appended for the map of this backend's order. */
        private String indexMap(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
        }

        @Override
        public void dropCollection(String collectionName, Oplog oplog) {
            super.dropCollection(collectionName, oplog);
            removeDocuments(getMvStore(), getFullCollectionNamespace(collectionName));
        }

        @Override
        public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
            super.moveCollection(oldDatabase, collection, newCollectionName);
            MVStore store = getMvStore();
            String from = documentsMap(collection.getFullName());
            if (store.hasMap(from)) {
                store.renameMap(store.openMap(from, bson()), documentsMap(getFullCollectionNamespace(newCollectionName)));
            }
        }
    }

    /**
     * A collection's documents, keyed by id and stored as BSON ({@link BsonDocumentType}) in a
     * map of their own name; the stock backend's map of Java-serialized documents, in a file it
     * wrote or an earlier Push wrote, is copied over once and removed. Ids stay the keys, so the
     * indexes (which map keys to ids) stay valid.
     */
    static MVMap<Object, Document> openDocuments(MVStore store, String namespace) {
        MVMap<Object, Document> documents = store.openMap(documentsMap(namespace), bson());
        String stock = "databases." + namespace;
        moveOnce(store, stock, documents);
        return documents;
    }

    /** Moves the entries of the map named {@code stockName}, if the file has one, into {@code into}, and removes it. */
    private static <K, V> void moveOnce(MVStore store, String stockName, MVMap<K, V> into) {
        moveOnce(store, stockName, new MVMap.Builder<>(), into);
    }

    /** {@link #moveOnce(MVStore, String, MVMap)} for an old map whose keys or values only {@code reader} reads. */
    private static <K, V> void moveOnce(MVStore store, String stockName, MVMap.Builder<K, V> reader, MVMap<K, V> into) {
        if (store.hasMap(stockName)) {
            MVMap<K, V> old = store.openMap(stockName, reader);
            for (var entry : old.entrySet()) {
                into.put(entry.getKey(), entry.getValue());
            }
            store.removeMap(old);
        }
    }

    /** Suffix of a unique index's map in the order of {@link StringFirstKeys}; the stock name stays free for the old map. */
    static final String KEYED_INDEX = "$k";
    /** Suffix of the order before numbers came after strings (strings first, everything else in H2's order). */
    static final String STRINGS_ONLY_INDEX = "$s";

    /**
     * A unique index's map in the order of {@link StringFirstKeys}; a map of an earlier order, in a file an earlier Push
     * wrote (the stock order by the stock name, strings first by {@link #STRINGS_ONLY_INDEX}), is copied over once and
     * removed (the keys and positions are the same, only their order differs).
     */
    static MVMap<KeyValue, Object> openIndex(MVStore store, String stockName) {
        MVMap<KeyValue, Object> index = store.openMap(stockName + KEYED_INDEX, keyedIndex());
        moveOnce(store, stockName + STRINGS_ONLY_INDEX, keyedIndex(), index);
        moveOnce(store, stockName, index);
        return index;
    }

    static MVMap.Builder<KeyValue, Object> keyedIndex() {
        return new MVMap.Builder<KeyValue, Object>().keyType(StringFirstKeys.INSTANCE);
    }

    private static void removeDocuments(MVStore store, String namespace) {
        String name = documentsMap(namespace);
        if (store.hasMap(name)) {
            store.removeMap(store.openMap(name, bson()));
        }
    }

    /**
     * "databases.<namespace>$bson": '$' cannot occur in a collection name, and the prefix is the
     * one the stock database drops its maps by.
     */
    static String documentsMap(String namespace) {
        return "databases." + namespace + "$bson";
    }

    private static MVMap.Builder<Object, Document> bson() {
        return new MVMap.Builder<Object, Document>().keyType(SerializedKeyCache.INSTANCE).valueType(BsonDocumentType.INSTANCE);
    }
}
