package dev.push.embedded;

import de.bwaldvogel.mongo.MongoDatabase;

/** A collection that counts the documents it matches against filters. */
interface ExaminedCounter {

    long documentsExamined();

    static long of(MongoDatabase database, String collection) {
        return database.resolveCollection(collection, false) instanceof ExaminedCounter counter
            ? counter.documentsExamined()
            : 0;
    }
}
