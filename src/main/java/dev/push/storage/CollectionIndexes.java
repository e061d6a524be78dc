package dev.push.storage;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every index the service relies on besides {@code _id}, created at start (creating an index that
 * exists is a no-op), and, for every filter on another field the code issues, why it needs none.
 * {@code CollectionIndexesTest} reads the sources' filters and holds each to an entry here, so a
 * new query on an unindexed field fails the build until it gets an index or a reason.
 *
 * <p>The embedded server accepts these and lists them, but uses only unique ones (for exact
 * matches); its answers stay the same, it just scans.
 */
@ApplicationScoped
public class CollectionIndexes {
    private static final Logger LOG = Logger.getLogger(CollectionIndexes.class);

    /** An index: its collection, keys, options, and the classes whose filters it serves. */
    public record Index(String collection, Document keys, IndexOptions options, Set<String> usedBy) {
        public String name() {
            StringBuilder out = new StringBuilder();
            keys.forEach((field, order) -> out.append(out.length() == 0 ? "" : "_").append(field).append('_').append(order));
            return out.toString();
        }
    }

    /** A filter on a field that deliberately has no index of its own, and why. */
    public record Unindexed(String usedBy, String field, String why) {
    }

    static final String KEYED = "always together with an exact _id: a compare-and-set condition on one document";
    static final String WAITING_WINNERS = "checked on the paused tasks the state index finds (a handful), once a second,"
            + " or with an exact _id when a decision is recorded";

    static final String WAITING_WAVES = "checked on the paused tasks the state index finds (a handful), once a tick,"
            + " or with an exact _id when a wave is released";

    /** Filters whose field has no index, on purpose. */
    public static final List<Unindexed> UNINDEXED = List.of(
            new Unindexed("CampaignRetry", "retry", KEYED),
            new Unindexed("CampaignRetry", "retry.until", KEYED),
            new Unindexed("TaskUnits", "until", KEYED),
            new Unindexed("TaskUnits", "done", KEYED),
            new Unindexed("WorkerSlots", "owner", KEYED),
            new Unindexed("WorkerSlots", "heartbeat", KEYED),
            new Unindexed("CampaignRetry", "retry.id", KEYED),
            new Unindexed("TaskUnits", "owner", KEYED),
            new Unindexed("ChannelConfigs", "version", KEYED),
            new Unindexed("Templates", "version", KEYED),
            new Unindexed("Recurrences", "skip", KEYED),
            new Unindexed("Tasks", "stagedUpload", KEYED),
            new Unindexed("Tasks", "run", KEYED),
            new Unindexed("Sends", "state", KEYED),
            new Unindexed("Devices", "devices.id", KEYED),
            new Unindexed("Devices", "devices", KEYED),
            new Unindexed("Devices", "id", "inside an $elemMatch on devices, with an exact _id"),
            new Unindexed("Devices", "token", "inside an $elemMatch on devices, with an exact _id"),
            new Unindexed("ListedMemberRemoval", "run", "checked on the few campaigns the kind and audienceId index finds"),
            new Unindexed("Audiences", "run", "checked on the few campaigns the kind and audienceId index finds"),
            new Unindexed("DeadInstances", "heartbeat", "instances holds one document per instance (tens)"),
            new Unindexed("OrphanWorkerSlots", "heartbeat",
                    "workers holds one document per slot of running tasks (a few hundred), swept every few minutes"),
            new Unindexed("EarlierRunUnits", "run", "tasks holds one document per audience or campaign; swept every few minutes"),
            new Unindexed("WinnerDecisions", "kind", WAITING_WINNERS),
            new Unindexed("WinnerDecisions", "winner.phase", WAITING_WINNERS),
            new Unindexed("WinnerDecisions", "winner.decideAt", WAITING_WINNERS),
            new Unindexed("HeldWaves", "kind", WAITING_WAVES),
            new Unindexed("HeldWaves", "timing.waiting", WAITING_WAVES),
            new Unindexed("HeldWaves", "timing.next", WAITING_WAVES));

    @Inject
    RetentionConfig retention;

    @Inject
    PushDatabase database;

    /** The indexes, with the audit entries' expiry as configured. */
    public List<Index> indexes() {
        return indexes(retention.audit());
    }

    /** The indexes, with audit entries expiring after {@code auditRetention}. */
    List<Index> indexes(Duration auditRetention) {
        List<Index> out = new ArrayList<>();
        // tasks: the master's scans (running, due), pages by kind and state, the metrics' counts per state.
        out.add(index("tasks", new Document("state", 1).append("startAt", 1), "Tasks", "EngineMetrics"));
        out.add(index("tasks", new Document("kind", 1).append("state", 1), "Tasks", "OpTargets"));
        // Campaigns of an audience (before it is built again or deleted), and audiences combining one.
        out.add(index("tasks", new Document("kind", 1).append("audienceId", 1), "Audiences", "OpTargets", "ListedMemberRemoval"));
        out.add(new Index("tasks", new Document("source.audiences", 1), new IndexOptions().sparse(true), Set.of("Audiences")));
        out.add(index("workers", new Document("instance", 1), "InstanceResource"));
        out.add(index("sessions", new Document("user", 1), "Sessions"));
        out.add(index("sessions", new Document("seen", 1), "Sessions"));
        out.add(index("api_tokens", new Document("owner", 1), "ApiTokens"));
        out.add(new Index("api_tokens", new Document("hash", 1), new IndexOptions().unique(true), Set.of("ApiTokens")));
        // audit: by time (also its expiry), by actor or target newest first.
        out.add(new Index("audit", new Document("at", 1),
                new IndexOptions().expireAfter(auditRetention.toSeconds(), TimeUnit.SECONDS), Set.of("Audit")));
        out.add(index("audit", new Document("actor", 1).append("at", 1), "Audit"));
        out.add(index("audit", new Document("target", 1).append("at", 1), "Audit"));
        // sends: by the id their answers give, and by time (also their expiry: the Idempotency-Key's window).
        out.add(new Index("sends", new Document("id", 1), new IndexOptions().unique(true), Set.of("Sends")));
        out.add(new Index("sends", new Document("at", 1),
                new IndexOptions().expireAfter(retention.sends().toSeconds(), TimeUnit.SECONDS), Set.of("Sends")));
        // recurring campaigns: the due ones by their next occurrence; a campaign's occurrences newest first.
        out.add(index("recurrences", new Document("next", 1), "Recurrences"));
        out.add(index("occurrences", new Document("campaign", 1).append("at", -1), "Occurrences"));
        out.add(new Index("occurrences", new Document("pending", 1), new IndexOptions().sparse(true), Set.of("Occurrences")));
        return out;
    }

    private static Index index(String collection, Document keys, String... usedBy) {
        return new Index(collection, keys, new IndexOptions(), Set.of(usedBy));
    }

    // Before the engine and the users' first start, which read by these fields.
    void onStart(@Observes @Priority(10) StartupEvent event) {
        create();
    }

    /** Creates every index; an expiry changed since the index was made is changed in place. */
    public void create() {
        create(retention.audit());
    }

    /** Creates every index with audit entries expiring after {@code auditRetention}. */
    void create(Duration auditRetention) {
        for (Index index : indexes(auditRetention)) {
            MongoCollection<Document> coll = database.get(index.collection());
            IndexOptions options = index.options();
            options.name(index.name());
            Document existing = null;
            for (Document d : coll.listIndexes()) {
                if (index.name().equals(d.getString("name"))) {
                    existing = d;
                }
            }
            Long expiry = options.getExpireAfter(TimeUnit.SECONDS);
            if (existing != null && expiry != null && !expiry.equals(asLong(existing.get("expireAfterSeconds")))) {
                changeExpiry(coll, index, expiry);
            } else if (existing == null) {
                coll.createIndex(index.keys(), options);
                LOG.debugf("index %s.%s created", index.collection(), index.name());
            }
        }
    }

    private void changeExpiry(MongoCollection<Document> coll, Index index, long expiry) {
        if (database.embedded()) {
            // No collMod there (and it keeps an index of the same name twice): made again instead.
            coll.dropIndex(index.name());
            coll.createIndex(index.keys(), index.options());
        } else {
            database.database().runCommand(new Document("collMod", index.collection())
                    .append("index", new Document("keyPattern", index.keys()).append("expireAfterSeconds", expiry)));
        }
        LOG.infof("index %s.%s now expires documents after %d s", index.collection(), index.name(), expiry);
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
