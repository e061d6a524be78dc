package dev.push.storage;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.inc;

/** The service's collections, by name, as raw documents for the hot paths. */
@ApplicationScoped
public class PushDatabase {
    public static final String TASKS = "tasks";
    public static final String TASK_SHARDS = "task_shards";
    public static final String WORKERS = "workers";
    public static final String MEMBERS = "members";
    public static final String AUDIENCE_CHUNKS = "audience_chunks";
    public static final String AUDIENCE_STAGING = "audience_staging";
    public static final String CAMPAIGN_CHUNKS = "campaign_chunks";
    public static final String SEQUENCES = "sequences";
    public static final String SENDS = "sends";

    private final MongoClient client;
    private final String databaseName;

    /** The service's database {@code databaseName} on {@code client}; store contract tests build one without Quarkus. */
    @Inject
    public PushDatabase(MongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String databaseName) {
        this.client = client;
        this.databaseName = databaseName;
    }

    public MongoDatabase database() {
        return client.getDatabase(databaseName);
    }

    /** A collection by name; the coordination collections come with their pinned {@link CoordinationConcern}. */
    public MongoCollection<Document> get(String name) {
        MongoCollection<Document> collection = database().getCollection(name);
        return CoordinationConcern.COLLECTIONS.contains(name) ? CoordinationConcern.pin(collection) : collection;
    }

    /**
     * Inserts a document unless one with its {@code _id} exists: the database's unique {@code _id} decides between
     * concurrent inserts, not a lock. Answers whether this one was inserted.
     */
    public static boolean insertIfAbsent(MongoCollection<Document> collection, Document document) {
        try {
            collection.insertOne(document);
            return true;
        } catch (com.mongodb.MongoWriteException e) {
            if (e.getError().getCategory() != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    /** Deletes documents by key, in slices of ~100 keys (what the embedded server answers fastest). */
    public static void deleteByKeys(MongoCollection<Document> collection, List<?> keys) {
        for (int from = 0; from < keys.size(); from += 100) {
            collection.deleteMany(com.mongodb.client.model.Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + 100))));
        }
    }

    /**
     * The next number of a named sequence (task ids), atomically: the value before the increment,
     * plus one. The embedded server reads the document it answers for {@code ReturnDocument.AFTER}
     * again after the update, so two concurrent calls could both see the later value (the store
     * contract's {@code concurrentSequenceNumbersAreEachGivenOnce} found task ids given twice);
     * the document as it was before is the one the update itself matched.
     */
    public long nextId(String sequence) {
        return nextIds(sequence, 1);
    }

    /** The first of {@code count} consecutive numbers of a named sequence, all taken at once (see {@link #nextId}). */
    public long nextIds(String sequence, int count) {
        Document before = get(SEQUENCES).findOneAndUpdate(eq("_id", sequence), inc("value", (long) count),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
        return before == null ? 1L : ((Number) before.get("value")).longValue() + 1;
    }

    private volatile Boolean embedded;

    /**
     * Whether the server is the embedded one (mongo-java-server), whose query costs differ from
     * MongoDB's: its {@code buildInfo} carries no {@code gitVersion}, which every MongoDB build reports.
     */
    public boolean embedded() {
        if (embedded == null) {
            embedded = !database().runCommand(new Document("buildInfo", 1)).containsKey("gitVersion");
        }
        return embedded;
    }
}
