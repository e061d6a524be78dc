package dev.push.engine;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/**
 * Which database errors a worker rides out rather than ends on: the database was unreachable or
 * changing primary (a failover, a freeze), not a defect of the request.
 */
final class DatabaseOutage {
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private DatabaseOutage() {
    }

    static boolean transientError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoTimeoutException || t instanceof MongoSocketException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoConnectionPoolClearedException || t instanceof MongoOperationTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** 100 ms, doubling, at most 5 s. */
    static long backoffMillis(int failuresInARow) {
        return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failuresInARow - 1, 16));
    }
}
