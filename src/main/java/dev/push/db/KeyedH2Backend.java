package dev.push.db;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;

/** The H2 (MVStore file) backend with key-narrowed filters. The caller owns the store's settings. */
public final class KeyedH2Backend extends H2Backend implements KeyedBackend {

    public KeyedH2Backend(MVStore store) {
        super(store);
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
            // The map names are those the stock H2Database uses, so files stay interchangeable with it.
            String namespace = getFullCollectionNamespace(name);
            MVStore store = getMvStore();
            MVMap<Object, Document> documents = store.openMap("databases." + namespace);
            MVMap<String, Object> meta = store.openMap("meta." + namespace);
            return new KeyedH2Collection(this, name, options, documents, meta, cursorRegistry);
        }
    }
}
