package dev.push.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

final class KeyedMemoryDatabase extends MemoryDatabase {

    KeyedMemoryDatabase(String name, CursorRegistry cursors) {
        super(name, cursors);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
        return new KeyedMemoryCollection(this, name, options, cursorRegistry);
    }

    /**
     * The memory backend updates documents in place and a find answers the stored objects, which
     * the wire encoder reads after the collection's lock is released: a concurrent update then
     * broke the encoding (ConcurrentModificationException). Answer copies taken under the lock.
     * {@code $sample} is answered by {@link UniformSample}.
     */
    @Override
    public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver,
                                  Oplog oplog) {
        String collectionName = switch (command) {
            case "find" -> query.get("find") instanceof String s ? s : null;
            case "getMore" -> query.get("collection") instanceof String s ? s : null;
            case "aggregate" -> query.get("aggregate") instanceof String s ? s : null;
            default -> null;
        };
        MongoCollection<Integer> collection = collectionName == null ? null : resolveCollection(collectionName, false);
        if (collection == null) {
            return super.handleCommand(channel, command, query, resolver, oplog);
        }
        synchronized (collection) {
            if (UniformSample.asked(command, query)) {
                clearLastStatus(channel);
                return UniformSample.answer(this, getFullCollectionNamespace(collectionName), collection, query,
                    resolver, oplog).cloneDeeply();
            }
            return super.handleCommand(channel, command, query, resolver, oplog).cloneDeeply();
        }
    }
}
