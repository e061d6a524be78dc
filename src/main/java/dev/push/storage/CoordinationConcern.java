package dev.push.storage;

import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;

import java.util.Set;

/**
 * The write concern and read preference of the collections the engine coordinates through (tasks, their
 * units, worker slots, the claim protocol's chunk records, triggered sends' reservations), pinned here rather than left to the connection
 * string: a write is acknowledged only once a majority of the replica set has it in its journal, and reads
 * go to the primary. A member is pushed only after its reservation is acknowledged, so a reservation lost
 * in a crash or a failover would mean pushing it twice; on the embedded database {@code j: true} makes the
 * server sync its file before it answers (see docs/architecture.md).
 */
public final class CoordinationConcern {
    public static final WriteConcern WRITES = WriteConcern.MAJORITY.withJournal(true);
    public static final ReadPreference READS = ReadPreference.primary();
    public static final Set<String> COLLECTIONS = Set.of(PushDatabase.TASKS, PushDatabase.TASK_SHARDS,
            PushDatabase.WORKERS, PushDatabase.CAMPAIGN_CHUNKS, PushDatabase.SENDS);

    private CoordinationConcern() {
    }

    /** The collection with the coordination write concern and read preference. */
    public static <T> MongoCollection<T> pin(MongoCollection<T> collection) {
        return collection.withWriteConcern(WRITES).withReadPreference(READS);
    }
}
