package dev.push.task;

import io.quarkus.mongodb.panache.common.MongoEntity;
import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * An audience build or a campaign: its configuration, state and audit trail. Workers never
 * write here per member; live counters live in the task's shard documents (see
 * {@link TaskUnits}) and are folded into {@link #progress} when the task leaves a running state.
 */
@MongoEntity(collection = "tasks", readPreference = "primary")
public class Task extends PanacheMongoEntityBase {
    public static final String AUDIENCE = "audience";
    public static final String CAMPAIGN = "campaign";

    @BsonId
    public Long id;
    public String kind;
    public String name;
    public String state;
    public String stateReason;
    public int workers;
    public int qps;
    /** Shards the members are split into (fixed per audience, inherited by its campaigns). */
    public int shards;
    /** Units of work of one run: the shards, a single unit for a query scan, or a campaign's count sized to its audience. */
    public int units;
    /** Incremented by every start; shard leases and counters belong to one run. */
    public long run;
    public boolean disabled;
    public Progress progress = new Progress();
    public Date createdAt;
    public Date updatedAt;
    public Date startedAt;
    public Date finishedAt;
    public List<Transition> history = new ArrayList<>();

    // audience
    public Document source;
    /** Chunks per shard of a built audience. */
    public List<Integer> layout;
    /** Chunks per shard staged by the last upload (or inline id list), not yet de-duplicated. */
    public List<Integer> staged;
    public long stagedLines;
    public int stagedUpload;

    // campaign
    public Long audienceId;
    public String channel;
    /** The consent category members may opt out of; null on campaigns made before categories (promotional). */
    public String category;
    public Document message;
    public int errorBudget;
    public int batchSize;
    public Date startAt;
    /** No member is sent at or after this instant (given, or its first start plus {@code ttl}). */
    public Date expiresAt;
    /** How long after its first start a campaign expires (ISO-8601), when it has no {@code expiresAt} of its own. */
    public String ttl;
    /** Hints to the providers: {@code collapseKey}, {@code priority}. */
    public Document hints;
    /** Which of the members' devices a campaign sends to: {@code {app?, platform?}}; null for every device. */
    public Document devices;
    public long errorStreak;
    public List<String> lastErrors;
    /** A/B variants, each {@code {name, split, message}} (see {@code dev.push.variant.Variants}); null for one message. */
    public List<Document> variants;
    /** Winner mode of an A/B campaign: its settings, phase and decision; null without. */
    public Document winner;
    /** A recurring campaign's run: the earlier runs whose reached members it skips (docs/recurring.md); null without. */
    public List<Long> skipReached;
    /** When members may be sent: local time, quiet hours, and the wait for the next wave (campaign.DeliveryTiming). */
    public Document timing;
    /** Set by an admin: bypasses frequency caps and quiet hours, and still counts toward the caps. */
    public boolean critical;

    public TaskState taskState() {
        return TaskState.fromWire(state);
    }

    public boolean isAudience() {
        return AUDIENCE.equals(kind);
    }
}
