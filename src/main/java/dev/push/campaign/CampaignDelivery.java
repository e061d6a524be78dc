package dev.push.campaign;

import dev.push.consent.Categories;
import com.mongodb.client.model.Updates;
import dev.push.audience.AudienceChunks;
import dev.push.channel.Channel;
import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.engine.EngineMetrics;
import dev.push.channel.Recipients;
import dev.push.engine.TaskKind;
import io.micrometer.core.instrument.Timer;
import dev.push.engine.UnitWork;
import dev.push.engine.WorkerContext;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import dev.push.variant.Variants;
import dev.push.fatigue.FrequencyCaps;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How workers deliver a campaign: a unit is a run of shards of its audience ({@link CampaignUnits}), walked chunk
 * by chunk under the claim protocol of {@link CampaignChunks}, one sub-batch per step. The unit's counters are the
 * sum of its chunk records, checkpointed with the cursor under the lease.
 */
@ApplicationScoped
public class CampaignDelivery implements TaskKind {
    private static final Logger LOG = Logger.getLogger(CampaignDelivery.class);
    static final int DEFAULT_BATCH = 200;
    /** Why a recurring campaign's run skips a member (docs/recurring.md). */
    static final String REACHED = "reached by an earlier run of its recurring campaign within its window";
    private static final int UNIT_DONE = -1;
    private static final int CHUNK_DONE = 0;
    private static final int FENCED = -2;
    /** The next step sends a group of small chunks, claimed together ({@code ShardDelivery.group}). */
    private static final int GROUP = -3;
    /** Live progress is refreshed at least this often; a chunk's end always checkpoints. */
    static final long CHECKPOINT_EVERY_MS = 1000;

    @Inject
    CampaignChunks claims;

    @Inject
    AudienceChunks audienceChunks;

    @Inject
    TaskUnits shards;

    @Inject
    Tasks tasks;

    @Inject
    Channels channels;

    @Inject
    Recipients reachable;

    @Inject
    FrequencyCaps caps;

    /** Per campaign, sub-batches in a row that the channel failed entirely on this instance. */
    private final Map<Long, AtomicInteger> failingBatches = new ConcurrentHashMap<>();

    @Override
    public boolean handles(Task task) {
        return Task.CAMPAIGN.equals(task.kind);
    }

    @Inject
    Campaigns campaigns;

    @Inject
    EngineMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    dev.push.member.MemberStore memberStore;

    @Inject
    HeldWaves heldWaves;

    private final Map<Long, Task> audiences = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public long startCheck(Task task) {
        return campaigns.startCheck(task);
    }

    /** A finished campaign remembers which run finished (a later start begins a new one). */
    @Override
    public Bson finished(Task campaign, List<Document> units) {
        return Updates.set("finishedRun", campaign.run);
    }

    /**
     * In winner mode, the run that sent the test split pauses the campaign until its winner is decided (see
     * {@link WinnerDecisions}); a run while it waits (a resume, a start) sends nothing and pauses it again.
     */
    @Override
    public RunEnd end(Task campaign, List<Document> units) {
        String phase = Variants.phase(campaign);
        if (Variants.TEST.equals(phase)) {
            Duration wait = Duration.parse(campaign.winner.getString("wait"));
            Date decideAt = new Date(clock.millis() + wait.toMillis());
            return new RunEnd(TaskState.PAUSED, "A/B test split sent; the winner is decided at "
                    + decideAt.toInstant() + " (" + campaign.winner.getString("metric") + " after " + wait + ")",
                    Updates.combine(Updates.set("winner.phase", Variants.WAITING), Updates.set("winner.decideAt", decideAt)));
        }
        if (campaign.timing != null && phase == null) {
            RunEnd waiting = heldWaves.end(campaign, units);
            if (waiting != null) {
                return waiting;
            }
        }
        if (Variants.WAITING.equals(phase) || Variants.ASKING.equals(phase)) {
            return new RunEnd(TaskState.PAUSED, "A/B test split sent; " + (Variants.WAITING.equals(phase)
                    ? "the winner is decided at " + campaign.winner.getDate("decideAt").toInstant()
                    : "waiting for the operator to pick the winner"), Updates.set("winner.phase", phase));
        }
        return TaskKind.super.end(campaign, units);
    }

    @Override
    public UnitWork open(WorkerContext worker, Task campaign, Document leasedUnit) {
        // A finished audience never changes (it cannot be rebuilt once a campaign has run on it).
        Task audience = audiences.computeIfAbsent(campaign.audienceId, tasks::find);
        return new ShardDelivery(worker, campaign, audience, leasedUnit);
    }

    private final class ShardDelivery implements UnitWork {
        private final WorkerContext worker;
        private final Task campaign;
        private final Channel channel;
        private final String category;
        /** Which of the members' devices are sent (on a device channel). */
        private final dev.push.channel.DeviceChoice devices;
        private final long audienceId;
        private final Document unitKey;
        /** The audience chunks this unit walks; the cursor indexes them. */
        private final List<AudienceChunks.At> walk;
        private final Progress base;
        private final VariantAssignment variants;
        /** Whether this run sends the test split only (winner mode before the winner): each chunk's test members. */
        private final boolean testOnly;
        private int cursor;
        /** The chunk's members in delivery order (for an A/B campaign, its test members first). */
        private List<String> ids;
        /** Members of the current chunk an earlier run of the campaign's series reached within its window. */
        private java.util.Set<String> reachedBefore = java.util.Set.of();
        private final ReachedByEarlierRuns reached;
        /** Where this run stops in the chunk: its end, or the end of its test members. */
        private int end;
        private Document chunkKey;
        private Progress chunk;
        private int pos;
        private final ChunkReadAhead ahead;
        /** A group of small chunks claimed together, sent by the next step. */
        private List<Document> groupKeys;
        private List<List<String>> groupMembers;
        /** Whether the unit's last chunk is done but not yet recorded (its completion records it). */
        private boolean lastChunkUnrecorded;
        /** Where the claim's reservation ends, when the claim reserved the first sub-batch (else 0). */
        private int reservedAhead;
        private boolean hadErrors;
        /** When the campaign sends at a local time or outside quiet hours; null otherwise. */
        private final DeliveryTiming timing;
        /** The current chunk's arrangement in due order, for a timed campaign. */
        private TimedChunk timed;
        /** Members of the current chunk skipped because their local time had passed. */
        private java.util.Set<String> passed = java.util.Set.of();
        /** Members of this unit's chunks held for a later wave, per release instant and zone. */
        private final Map<List<Object>, Long> held;
        private long checkpointedAt = System.currentTimeMillis();

        ShardDelivery(WorkerContext worker, Task campaign, Task audience, Document unit) {
            this.worker = worker;
            this.campaign = campaign;
            this.channel = channels.get(campaign.channel);
            this.category = Categories.ofCampaign(campaign.category);
            this.devices = DeviceChoices.of(campaign);
            this.audienceId = audience.id;
            this.unitKey = (Document) unit.get("_id");
            this.walk = CampaignUnits.chunks(unitKey.getInteger("s"), campaign.units, audience);
            this.ahead = new ChunkReadAhead(audienceChunks, audience.id, walk, audience.progress.sent,
                    audience.layout.stream().mapToInt(Integer::intValue).sum(), batchSize(Integer.MAX_VALUE));
            this.cursor = unit.getInteger("cursor", 0);
            this.base = Progress.of((Document) unit.get("base"));
            this.variants = VariantAssignment.of(campaign);
            String phase = Variants.phase(campaign);
            this.testOnly = phase != null && !Variants.WINNER.equals(phase);
            this.timing = DeliveryTiming.of(campaign.timing);
            this.held = HeldWaves.read(unit);
            this.reached = new ReachedByEarlierRuns(campaign, audience, tasks, claims, audienceChunks);
        }

        @Override
        public Uni<Boolean> step() {
            return Uni.createFrom().item(this::prepare).onItem().transformToUni(batch -> {
                if (batch == UNIT_DONE) {
                    return Uni.createFrom().item(complete());
                }
                if (batch == FENCED) {
                    return Uni.createFrom().item(false);
                }
                if (batch == CHUNK_DONE) {
                    return Uni.createFrom().item(true);
                }
                if (batch == GROUP) {
                    return sendGroup();
                }
                long wait = worker.reserve(batch) + slowdown();
                Uni<Integer> paced = Uni.createFrom().item(batch);
                if (wait > 0) {
                    paced = paced.onItem().delayIt().by(Duration.ofMillis(wait)).emitOn(worker.blocking());
                }
                return paced.onItem().transformToUni(this::sendBatch);
            });
        }

        /**
         * Opens the next chunk if needed; answers the size of the next sub-batch, or
         * UNIT_DONE, CHUNK_DONE (an already complete chunk was passed) or FENCED.
         */
        private int prepare() {
            if (ids == null) {
                if (cursor >= walk.size()) {
                    return UNIT_DONE;
                }
                if (groupable() && claimGroup()) {
                    return GROUP;
                }
                // The chunk is this unit's current one only once claimed (a step repeated after a
                // database error opens it again).
                AudienceChunks.At at = walk.get(cursor);
                if (timing != null) {
                    return openTimed(at);
                }
                List<String> members = ahead.at(cursor);
                int stop = members.size();
                reachedBefore = reached.in(at.shard(), at.k(), members);
                if (variants != null) {
                    VariantAssignment.Arranged arranged = variants.arrange(members);
                    members = arranged.members();
                    stop = testOnly ? arranged.tested() : stop;
                }
                // Sent at once (no pacing wait): a new claim reserves the first sub-batch in the same write.
                int ahead = campaign.qps <= 0 && slowdown() == 0 ? batchSize(stop) : 0;
                Document record = claims.claim(campaign.id, at.shard(), at.k(), worker.workerId(), members, ahead);
                chunkKey = CampaignChunks.key(campaign.id, at.shard(), at.k());
                chunk = CampaignChunks.counts(record);
                pos = record.getInteger("committed");
                reservedAhead = record.getInteger("reserved");
                ids = members;
                end = stop;
            }
            if (pos >= end) {
                return advance() ? CHUNK_DONE : FENCED;
            }
            return reservedAhead > pos ? reservedAhead - pos : batchSize(end - pos);
        }

        /**
         * Opens a chunk of a timed campaign: its arrangement is the record's (decided when first claimed), or decided
         * now from the members' zones and kept by the claim. This run sends the members due by now, all of the rest
         * once the campaign has expired (counted expired); the others stay held for a later run.
         */
        private int openTimed(AudienceChunks.At at) {
            Document key = CampaignChunks.key(campaign.id, at.shard(), at.k());
            Instant now = clock.instant();
            Document seen = claims.find(key);
            TimedChunk arranged = TimedChunk.of(seen);
            if (arranged != null && nothingDue(seen, arranged, now)) {
                // A wave with none of this chunk's members: counted from its record, no claim, no write.
                timed = arranged;
                chunkKey = key;
                chunk = CampaignChunks.counts(seen);
                pos = seen.getInteger("committed");
                end = pos;
                ids = arranged.order();
                return advance() ? CHUNK_DONE : FENCED;
            }
            List<String> members = arranged == null || !reached.none() ? ahead.at(cursor) : null;
            reachedBefore = reached.none() ? java.util.Set.of() : reached.in(at.shard(), at.k(), members);
            if (arranged == null) {
                Date firstStart = campaign.timing.getDate("startedAt");
                arranged = TimedChunk.arrange(timing, members, memberStore.zones(members),
                        firstStart == null ? now : firstStart.toInstant(), now);
            }
            int stop = Expiry.passed(campaign, now) ? arranged.order().size() : arranged.dueBy(now);
            int ahead = campaign.qps <= 0 && slowdown() == 0 ? batchSize(stop) : 0;
            Document record = claims.claim(campaign.id, at.shard(), at.k(), worker.workerId(), arranged.order(), ahead,
                    arranged.toDocument());
            timed = TimedChunk.of(record);
            passed = new java.util.HashSet<>(timed.order().subList(0, timed.passed()));
            chunkKey = key;
            chunk = CampaignChunks.counts(record);
            pos = record.getInteger("committed");
            reservedAhead = record.getInteger("reserved");
            ids = timed.order();
            end = Math.max(stop, 0);
            if (pos >= end) {
                return advance() ? CHUNK_DONE : FENCED;
            }
            return reservedAhead > pos ? reservedAhead - pos : batchSize(end - pos);
        }

        /** Whether a chunk's record has nothing in flight and nothing due by {@code now} that it has not committed. */
        private boolean nothingDue(Document record, TimedChunk arranged, Instant now) {
            int committed = record.getInteger("committed");
            return committed == record.getInteger("reserved") && !Expiry.passed(campaign, now) && committed >= arranged.dueBy(now);
        }

        private int batchSize(int left) {
            int configured = campaign.batchSize > 0 ? campaign.batchSize : DEFAULT_BATCH;
            return Math.min(worker.batchAllowance(configured), left);
        }

        private Uni<Boolean> sendBatch(int n) {
            if (Expiry.passed(campaign, clock.instant())) {
                return Uni.createFrom().item(this::expireRest);
            }
            int from = pos;
            int to = pos + n;
            boolean reserved = reservedAhead == to;
            reservedAhead = 0;
            if (!reserved && !worker.rideOut(() -> claims.reserve(chunkKey, worker.workerId(), from, to) || heldAt(from, to) != null,
                    () -> heldAt(from, to))) {
                LOG.infof("worker %s fenced off chunk %s", worker.workerId(), chunkKey.toJson());
                return Uni.createFrom().item(false);
            }
            return deliver(ids.subList(from, to), variants).map(outcomes -> {
                if (!worker.rideOut(() -> claims.commit(chunkKey, worker.workerId(), from, to, outcomes,
                        variants == null ? null : variants::sent) || heldAt(to, to) != null, () -> heldAt(to, to))) {
                    LOG.infof("worker %s fenced off chunk %s at commit", worker.workerId(), chunkKey.toJson());
                    return false;
                }
                pos = to;
                account(outcomes);
                metrics.delivered(campaign.id, campaign.channel, outcomes);
                if (pos >= end) {
                    return advance();
                }
                // Mid-chunk checkpoints only refresh live progress and the lease (the chunk record
                // already holds the outcomes), so one a second is enough, not one per sub-batch.
                return !checkpointDue() || checkpoint();
            });
        }

        /** The campaign expired: the rest of this run's share of the chunk is counted expired at once, never sent. */
        private boolean expireRest() {
            int from = pos;
            int to = end;
            if (!worker.rideOut(() -> claims.reserve(chunkKey, worker.workerId(), from, to) || heldAt(from, to) != null,
                    () -> heldAt(from, to))
                    || !worker.rideOut(() -> claims.expire(chunkKey, worker.workerId(), from, to) || heldAt(to, to) != null,
                    () -> heldAt(to, to))) {
                LOG.infof("worker %s fenced off chunk %s at expiry", worker.workerId(), chunkKey.toJson());
                return false;
            }
            pos = to;
            chunk.expired += to - from;
            chunk.processed += to - from;
            return advance();
        }

        /**
         * TRUE when the chunk record shows this worker's reserve or commit went through (still
         * ours, committed and reserved as that write leaves them), else null: after a database
         * error, or a repeat that matched nothing because the first attempt had arrived after all.
         */
        private Boolean heldAt(int committed, int reserved) {
            return heldAt(chunkKey, committed, reserved);
        }

        /** Whether this worker holds each of the chunks, committed whole. */
        private boolean allCommitted(List<Document> keys, List<Integer> sizes) {
            for (int i = 0; i < keys.size(); i++) {
                if (heldAt(keys.get(i), sizes.get(i), sizes.get(i)) == null) {
                    return false;
                }
            }
            return true;
        }

        private Boolean heldAt(Document key, int committed, int reserved) {
            Document now = claims.find(key);
            return now != null && worker.workerId().equals(now.getString("owner"))
                    && now.getInteger("committed") == committed && now.getInteger("reserved") == reserved ? Boolean.TRUE : null;
        }

        /**
         * Members of the batch the channel can reach, who did not opt out of the campaign's category and are under its
         * frequency cap; the others are skipped, and so are those an earlier run of the campaign's series reached
         * within its window.
         */
        private FrequencyCaps.Kept recipients(List<String> batch, List<Outcome> outcomes) {
            if (!passed.isEmpty()) {
                List<String> due = new ArrayList<>(batch.size());
                for (String m : batch) {
                    if (passed.contains(m)) {
                        outcomes.add(Outcome.skipped(m, DeliveryTiming.PASSED));
                    } else {
                        due.add(m);
                    }
                }
                batch = due;
            }
            if (reachedBefore.isEmpty()) {
                return caps.keep(reachable.of(batch, channel, category, devices, outcomes), campaign.channel, category, campaign.critical, outcomes);
            }
            List<String> rest = new ArrayList<>(batch.size());
            for (String m : batch) {
                if (reachedBefore.contains(m)) {
                    outcomes.add(Outcome.skipped(m, REACHED));
                } else {
                    rest.add(m);
                }
            }
            return caps.keep(reachable.of(rest, channel, category, devices, outcomes), campaign.channel, category, campaign.critical, outcomes);
        }

        /**
         * Whether the next chunks may be sent as a group: nothing paces the sends (a group is reserved before it is
         * sent, never held through a wait), every member gets the same message (no A/B arrangement), and no rule of
         * its own chunk applies: the members earlier runs of a series reached are known chunk by chunk, and an expiry
         * is applied to a chunk's rest.
         */
        private boolean groupable() {
            return variants == null && timing == null && campaign.qps <= 0 && slowdown() == 0 && campaign.skipReached == null
                    && campaign.expiresAt == null && campaign.ttl == null;
        }

        /**
         * Gathers the chunks from the cursor on whose members together fit one sub-batch, and claims them in one
         * write, each reserved whole ({@link CampaignChunks#claimWhole}); true when they are two or more and every
         * claim was new. Otherwise the chunks go one by one; any of them claimed here already is this worker's with
         * its members reserved, and is sent as such.
         */
        private boolean claimGroup() {
            int limit = batchSize(Integer.MAX_VALUE);
            List<Document> keys = new ArrayList<>();
            List<List<String>> members = new ArrayList<>();
            int total = 0;
            for (int i = cursor; i < walk.size(); i++) {
                AudienceChunks.At at = walk.get(i);
                List<String> chunkMembers = ahead.at(i);
                if (total + chunkMembers.size() > limit) {
                    break;
                }
                keys.add(CampaignChunks.key(campaign.id, at.shard(), at.k()));
                members.add(chunkMembers);
                total += chunkMembers.size();
            }
            if (keys.size() < 2 || !claims.claimWhole(keys, worker.workerId(), members)) {
                return false;
            }
            groupKeys = keys;
            groupMembers = members;
            return true;
        }

        /**
         * Sends a claimed group's members in one sub-batch, commits each chunk's outcomes, and moves the cursor past
         * the group. A worker that dies meanwhile leaves the group's chunks reserved: unknown, never sent again.
         */
        private Uni<Boolean> sendGroup() {
            List<Document> keys = groupKeys;
            List<List<String>> members = groupMembers;
            groupKeys = null;
            groupMembers = null;
            List<String> batch = new ArrayList<>();
            Map<String, Integer> chunkOf = new java.util.HashMap<>();
            for (int i = 0; i < members.size(); i++) {
                for (String m : members.get(i)) {
                    batch.add(m);
                    chunkOf.put(m, i);
                }
            }
            return deliver(batch, null).map(outcomes -> {
                List<List<Outcome>> byChunk = new ArrayList<>();
                members.forEach(m -> byChunk.add(new ArrayList<>()));
                outcomes.forEach(o -> byChunk.get(chunkOf.get(o.memberId())).add(o));
                List<Integer> sizes = members.stream().map(List::size).toList();
                if (!worker.rideOut(() -> claims.commitWhole(keys, worker.workerId(), sizes, byChunk) || allCommitted(keys, sizes),
                        () -> allCommitted(keys, sizes) ? Boolean.TRUE : null)) {
                    LOG.infof("worker %s fenced off chunks from %s at commit", worker.workerId(), keys.get(0).toJson());
                    return false;
                }
                chunk = new Progress();
                account(outcomes);
                metrics.delivered(campaign.id, campaign.channel, outcomes);
                cursor += keys.size() - 1;
                return advance();
            });
        }

        /**
         * Sends a sub-batch to the members {@link #recipients} keeps (the others are skipped); answers every member's
         * outcome, on the worker's blocking executor.
         */
        private Uni<List<Outcome>> deliver(List<String> batch, VariantAssignment assignment) {
            List<Outcome> outcomes = new ArrayList<>(batch.size());
            FrequencyCaps.Kept kept = recipients(batch, outcomes);
            Timer.Sample timing = metrics.startSend();
            Uni<List<Outcome>> sent = kept.to().isEmpty() ? Uni.createFrom().item(List.of())
                    : BatchSend.send(channel, campaign, assignment, kept.to(), false, clock.instant())
                    .invoke(() -> metrics.sent(timing, campaign.channel));
            return sent.emitOn(worker.blocking()).map(result -> {
                caps.giveBack(kept, result);
                outcomes.addAll(result);
                return outcomes;
            });
        }

        private void account(List<Outcome> outcomes) {
            int failed = 0;
            int sent = 0;
            List<String> reasons = new ArrayList<>();
            for (Outcome o : outcomes) {
                switch (o.status()) {
                    case SENT -> {
                        chunk.sent++;
                        sent++;
                    }
                    case FAILED -> {
                        chunk.failed++;
                        failed++;
                        if (reasons.size() < 3) {
                            reasons.add(o.memberId() + ": " + o.reason());
                        }
                    }
                    case SKIPPED -> chunk.skipped++;
                }
                chunk.processed++;
            }
            if (failed > 0 && sent == 0) {
                failingBatches.computeIfAbsent(campaign.id, c -> new AtomicInteger()).incrementAndGet();
            } else if (sent > 0) {
                failingBatches.remove(campaign.id);
            }
            if (failed > 0 && sent == 0) {
                recordErrors(failed, reasons);
            } else if (sent > 0 && hadErrors) {
                hadErrors = false;
                tasks.update(campaign.id, Updates.set("errorStreak", 0L));
            }
        }

        /**
         * A burst of failures slows the campaign before the error budget fails it: 50 ms after the
         * first failed sub-batch, doubling, but under a quarter of the lease, which is renewed only
         * between sub-batches.
         */
        private long slowdown() {
            AtomicInteger inARow = failingBatches.get(campaign.id);
            int n = inARow == null ? 0 : inARow.get();
            return n == 0 ? 0 : Math.min(worker.leaseMillis() / 4, 50L << Math.min(n - 1, 10));
        }

        /** Channel errors in a row beyond the error budget fail the campaign. */
        private void recordErrors(int failed, List<String> reasons) {
            hadErrors = true;
            Task after = tasks.addErrors(campaign.id, failed, reasons);
            if (after != null && after.errorStreak > campaign.errorBudget && after.taskState().running()) {
                String reason = "error budget exceeded: " + after.errorStreak + " errors in a row (budget "
                        + campaign.errorBudget + "); last: " + String.join("; ", after.lastErrors);
                if (tasks.move(after, after.taskState(), TaskState.FAILED, "worker " + worker.workerId(), reason,
                        null) != null) {
                    LOG.warnf("campaign %d failed: %s", campaign.id, reason);
                }
            }
        }

        /**
         * The chunk is complete: fold it into the unit's base and move the cursor on. After the unit's last chunk the
         * completion itself records the cursor; before another chunk, the checkpoint (which also fences a worker that
         * lost the unit before it claims the next chunk) is made durable by that chunk's journaled claim.
         */
        private boolean advance() {
            if (timed != null) {
                // What this run leaves of the chunk waits for its wave.
                int from = Math.max(pos, end);
                chunk.held += timed.order().size() - from;
                timed.heldFrom(from, held);
                timed = null;
                passed = java.util.Set.of();
            }
            base.add(chunk);
            cursor++;
            ahead.passed(cursor);
            ids = null;
            chunk = null;
            if (cursor >= walk.size()) {
                lastChunkUnrecorded = true;
                return true;
            }
            checkpointedAt = System.currentTimeMillis();
            return worker.rideOut(() -> shards.checkpointAheadOfJournaledWrite(unitKey, worker.workerId(),
                    worker.leaseMillis(), checkpointFields()), () -> null);
        }

        private boolean checkpointDue() {
            return System.currentTimeMillis() - checkpointedAt >= Math.min(CHECKPOINT_EVERY_MS, worker.leaseMillis() / 3);
        }

        private boolean checkpoint() {
            checkpointedAt = System.currentTimeMillis();
            Document fields = checkpointFields();
            // Setting the same fields twice is harmless: a checkpoint is simply written again.
            return worker.rideOut(() -> shards.checkpoint(unitKey, worker.workerId(), worker.leaseMillis(), fields),
                    () -> null);
        }

        private Document checkpointFields() {
            Progress counts = new Progress();
            counts.add(base);
            if (chunk != null) {
                counts.add(chunk);
            }
            return HeldWaves.write(held, new Document("cursor", cursor).append("base", base.toDocument())
                    .append("counts", counts.toDocument()));
        }

        private boolean complete() {
            shards.complete(unitKey, worker.workerId(), HeldWaves.write(held,
                    new Document("cursor", cursor).append("base", base.toDocument()).append("counts", base.toDocument())));
            return false;
        }

        @Override
        public void release() {
            if (chunk != null || lastChunkUnrecorded) {
                // Sub-batches since the last checkpoint: the unit's counters must show them while it waits.
                checkpoint();
            }
            shards.release(unitKey, worker.workerId());
        }
    }
}
