package dev.push.embedded;

import de.bwaldvogel.mongo.MongoBackend;

/**
 * An embedded-server backend whose collections look documents up by exact {@code _id} before matching the rest of a
 * filter (see {@link KeyLookup}), and count the documents they match against filters so tests can prove it.
 */
public interface KeyedBackend extends MongoBackend {

    /**
     * How many documents the collection has matched against a filter since it was opened: one per document a query,
     * count, update, delete or find-and-modify looked at. Creates nothing; 0 for a collection that does not exist.
     */
    long documentsExamined(String database, String collection);
}
