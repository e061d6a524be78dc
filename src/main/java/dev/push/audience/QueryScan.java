package dev.push.audience;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.push.engine.WorkerContext;
import dev.push.member.Shards;
import dev.push.storage.PushDatabase;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Builds a query audience in one unit: one pass over the members matching the filter, split
 * into as many member-id ranges (parts) as the audience has workers, up to {@value #MAX_PARTS},
 * scanned side by side (a scan is bound by reading and decoding member documents, which
 * parallelises), every match routed to its shard's chunks. The ranges ({@link MemberRanges}) hold
 * about as many members each and cover every id, so each member is seen once.
 * <p>
 * Each part is read in keyset batches ({@code _id > last}, in {@code _id} order, at most
 * {@code push.audience.scan-batch} ids, one query each), so no cursor is held between batches.
 * At a lease renewal the unit is checkpointed ({@link ScanCheckpoint}): the parts wait at a
 * batch boundary, every shard's open chunk that grew is written as far as it is filled (replaced
 * outright once stored: no insert that would fail first), and the unit records each part's last
 * id. A checkpoint is skipped, the lease only renewed, while the one before took more than a
 * tenth of the time since ({@link #CHECKPOINT_COST_RATIO}). A worker that takes the unit over (the holder died, or paused and gave it
 * back) goes on from there; what the holder did after its last checkpoint is done again, and
 * written over the same chunk keys.
 */
@ApplicationScoped
class QueryScan {
    private static final Logger LOG = Logger.getLogger(QueryScan.class);
    static final int MAX_PARTS = 8;
    private static final long WAIT_SLICE_MILLIS = 200;
    /**
     * A checkpoint rewrites every shard's open chunk, which grows with the audience's shards (up to
     * a chunk each): after one that took t, the next comes no sooner than this many times t later,
     * so checkpoints take at most about a tenth of the scan; the renewals in between only renew the lease.
     */
    static final int CHECKPOINT_COST_RATIO = 10;

    @Inject
    PushDatabase collections;

    @Inject
    AudienceChunks chunks;

    @Inject
    TaskUnits shards;

    @Inject
    MeterRegistry registry;

    /** Member ids read per query of a part; at a qps, about a second's worth if that is fewer. */
    @Inject
    AudienceConfig config;

    void run(WorkerContext worker, Task task, Document unit) {
        Document key = (Document) unit.get("_id");
        MongoCollection<Document> members = collections.get(PushDatabase.MEMBERS);
        Document filter = MemberFilter.translate(task.source.get("filter", Document.class));
        ScanCheckpoint saved = ScanCheckpoint.of(unit.get("scan", Document.class));
        Scan scan;
        if (saved == null) {
            List<String> splits = MemberRanges.splits(members, filter, Math.max(1, Math.min(MAX_PARTS, task.workers)),
                    collections.embedded(), MemberRanges.MIN_RANGE);
            scan = new Scan(task.id, Part.between(splits), new Routing(task.id, task.shards), 0);
            LOG.infof("audience %d: query scan in %d member-id range(s)", task.id, scan.parts.size());
        } else {
            scan = new Scan(task.id, saved.parts(), Routing.resumed(task.id, task.shards, saved, chunks), saved.matched());
            LOG.infof("audience %d: query scan resumed from its checkpoint, %d members staged, %d of %d range(s) done",
                    task.id, saved.matched(), saved.parts().stream().filter(p -> p.done).count(), saved.parts().size());
        }
        Counter scanned = Counter.builder("push.audience.scanned").tag("audience", String.valueOf(task.id))
                .description("Members a query audience's scan read and staged on this instance").register(registry);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Part part : scan.parts) {
            if (!part.done) {
                running.add(CompletableFuture.runAsync(() -> scanPart(worker, members, filter, part, scan, scanned),
                        worker.blocking()));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        long renewAt = System.currentTimeMillis() + worker.leaseMillis() / 3;
        long checkpointFrom = renewAt;
        // Until every part has ended, and then it is get() that tells whether one of them failed.
        while (true) {
            try {
                all.get(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (worker.stopRequested()) {
                    scan.halt(all);
                    // Paused, stopped or shutting down: what was read so far is kept for the next attempt.
                    if (checkpoint(worker, key, scan)) {
                        shards.release(key, worker.workerId());
                    }
                    return;
                }
                long now = System.currentTimeMillis();
                if (now > renewAt) {
                    boolean held;
                    if (now >= checkpointFrom) {
                        held = checkpoint(worker, key, scan);
                        long end = System.currentTimeMillis();
                        checkpointFrom = end + CHECKPOINT_COST_RATIO * (end - now);
                    } else {
                        held = shards.checkpoint(key, worker.workerId(), worker.leaseMillis(), new Document());
                    }
                    if (!held) {
                        scan.halt(all); // the lease was taken over: another worker goes on with it
                        return;
                    }
                    renewAt = System.currentTimeMillis() + worker.leaseMillis() / 3;
                }
            } catch (ExecutionException e) {
                scan.halt(all);
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                scan.halt(all);
                return;
            }
        }
        write(scan.routing.rest());
        Progress counts = scan.counts();
        shards.complete(key, worker.workerId(), new Document("layout", scan.routing.layout())
                .append("counts", counts.toDocument()).append("scan", scan.checkpoint().toDocument()));
    }

    /** Writes the open chunks and records where every part stands; false when the lease was lost. */
    private boolean checkpoint(WorkerContext worker, Document key, Scan scan) {
        scan.staging.writeLock().lock();
        try {
            write(scan.routing.openChunks());
            return shards.checkpoint(key, worker.workerId(), worker.leaseMillis(), new Document("scan",
                    scan.checkpoint().toDocument()).append("counts", scan.counts().toDocument()));
        } finally {
            scan.staging.writeLock().unlock();
        }
    }

    /** Chunks new to the store are inserted; those this scan stored before are replaced outright. */
    private void write(Writes writes) {
        chunks.write(writes.fresh());
        chunks.rewrite(writes.stored());
    }

    private void scanPart(WorkerContext worker, MongoCollection<Document> members, Document filter, Part part,
                          Scan scan, Counter scanned) {
        while (!scan.halted.get()) {
            int limit = batchLimit(worker);
            List<String> ids = new ArrayList<>(limit);
            for (Document d : members.find(part.next(filter)).sort(Sorts.ascending("_id")).limit(limit)
                    .batchSize(limit).projection(Projections.include("_id"))) {
                ids.add(d.getString("_id"));
            }
            if (!ids.isEmpty() && !paced(worker, ids.size(), scan.halted)) {
                return; // not staged: the next attempt reads this batch again
            }
            scan.staging.readLock().lock();
            try {
                if (scan.halted.get()) {
                    return;
                }
                write(scan.routing.route(ids));
                if (!ids.isEmpty()) {
                    part.last = ids.get(ids.size() - 1);
                }
                part.done = ids.size() < limit;
            } finally {
                scan.staging.readLock().unlock();
            }
            scanned.increment(ids.size());
            if (part.done) {
                return;
            }
        }
    }

    /**
     * The batch a part reads: the configured size, or at an audience's qps about one second of the
     * scan's rate if that is fewer, so that a pause or a checkpoint waits for little.
     */
    private int batchLimit(WorkerContext worker) {
        int workers = Math.max(1, worker.task().workers);
        return (int) Math.min(config.scanBatch(), (long) worker.batchAllowance(config.scanBatch()) * workers);
    }

    /**
     * Honours the audience's qps (members added per second over all its workers). The scan is one
     * unit, worked by one of the audience's workers, whose rate is its share of the qps: it takes
     * that share's part of the members, so the scan runs at the whole qps. Waits in short naps, so a
     * pause is obeyed; false when the scan is halted meanwhile (only the scan's own loop halts it:
     * a part that ended on its own would look done).
     */
    private static boolean paced(WorkerContext worker, int members, AtomicBoolean halted) {
        int workers = Math.max(1, worker.task().workers);
        return AudienceBuild.paced(worker, (members + workers - 1) / workers, halted::get);
    }

    /** One scan attempt: its parts, the routing they share, and the lock a checkpoint takes. */
    private static final class Scan {
        final long audience;
        final List<Part> parts;
        final Routing routing;
        final long resumedFrom;
        /** Parts stage batches under the read lock; a checkpoint takes the write lock between batches. */
        final ReadWriteLock staging = new ReentrantReadWriteLock(true);
        final AtomicBoolean halted = new AtomicBoolean();

        Scan(long audience, List<Part> parts, Routing routing, long resumedFrom) {
            this.audience = audience;
            this.parts = parts;
            this.routing = routing;
            this.resumedFrom = resumedFrom;
        }

        ScanCheckpoint checkpoint() {
            return new ScanCheckpoint(parts, routing.layout(), routing.fill(), routing.matched(), resumedFrom);
        }

        Progress counts() {
            Progress counts = new Progress();
            counts.processed = routing.matched();
            counts.sent = counts.processed;
            return counts;
        }

        void halt(CompletableFuture<Void> all) {
            halted.set(true);
            try {
                all.join();
            } catch (RuntimeException ignored) {
                // Stopping anyway; a part's failure changes nothing now.
            }
        }
    }

    /**
     * A range of member ids ({@code from} inclusive, {@code to} exclusive, null for open) and how
     * far it has been staged: every match up to {@code last} is in the audience's chunks.
     */
    static final class Part {
        final String from;
        final String to;
        volatile String last;
        volatile boolean done;

        Part(String from, String to, String last, boolean done) {
            this.from = from;
            this.to = to;
            this.last = last;
            this.done = done;
        }

        static List<Part> between(List<String> splits) {
            List<Part> parts = new ArrayList<>();
            String from = null;
            for (String to : splits) {
                parts.add(new Part(from, to, null, false));
                from = to;
            }
            parts.add(new Part(from, null, null, false));
            return parts;
        }

        /** The filter of the next batch: the members of the range after the last one staged. */
        Document next(Document filter) {
            Document bounds = new Document();
            if (last != null) {
                bounds.append("$gt", last);
            } else if (from != null) {
                bounds.append("$gte", from);
            }
            if (to != null) {
                bounds.append("$lt", to);
            }
            return MemberRanges.within(filter, bounds.isEmpty() ? new Document() : new Document("_id", bounds));
        }
    }

    /**
     * Per-shard buffers shared by the parts; full chunks are handed back to be written outside the
     * lock. A shard's open chunk only ever grows until it is full, so each time it is written (at a
     * checkpoint, then full) it holds what was written before and more.
     */
    /** Chunk documents to write: those not yet in the store, and those this scan stored before. */
    record Writes(List<Document> fresh, List<Document> stored) {
    }

    static final class Routing {
        private final long audience;
        private final int shardCount;
        private final List<String>[] buffers;
        private final boolean[] changed;
        /** Whether the shard's open chunk is in the store (a checkpoint wrote it, or the scan resumed from it). */
        private final boolean[] stored;
        private final int[] next;
        private final List<Document> sealed = new ArrayList<>();
        private final List<Document> sealedStored = new ArrayList<>();
        private long matched;

        @SuppressWarnings("unchecked")
        Routing(long audience, int shardCount) {
            this.audience = audience;
            this.shardCount = shardCount;
            this.buffers = new List[shardCount];
            this.changed = new boolean[shardCount];
            this.stored = new boolean[shardCount];
            this.next = new int[shardCount];
            for (int s = 0; s < shardCount; s++) {
                buffers[s] = new ArrayList<>();
            }
        }

        /**
         * The routing as a checkpoint left it: the chunks written whole, and each open chunk read
         * back as far as it was filled then (the holder may have written it further since).
         */
        static Routing resumed(long audience, int shardCount, ScanCheckpoint saved, AudienceChunks chunks) {
            Routing r = new Routing(audience, shardCount);
            for (int s = 0; s < shardCount; s++) {
                r.next[s] = saved.next().get(s);
                int fill = saved.fill().get(s);
                if (fill > 0) {
                    List<String> open = chunks.read(audience, s, r.next[s]);
                    if (open.size() < fill) {
                        throw new IllegalStateException("audience " + audience + ": chunk " + r.next[s] + " of shard "
                                + s + " holds " + open.size() + " ids, its checkpoint " + fill);
                    }
                    r.buffers[s].addAll(open.subList(0, fill));
                    r.stored[s] = true;
                }
            }
            r.matched = saved.matched();
            return r;
        }

        /** Routes ids to their shards; answers the chunks to write now (may be empty). */
        synchronized Writes route(List<String> ids) {
            for (String id : ids) {
                int s = Shards.of(id, shardCount);
                buffers[s].add(id);
                changed[s] = true;
                if (buffers[s].size() == AudienceChunks.SIZE) {
                    seal(s);
                }
            }
            matched += ids.size();
            if (sealed.size() + sealedStored.size() < AudienceChunks.WRITE_BATCH) {
                return new Writes(List.of(), List.of());
            }
            return takeSealed();
        }

        /** At a checkpoint: the full chunks not yet written, and every open chunk that changed since the last one. */
        synchronized Writes openChunks() {
            Writes out = takeSealed();
            for (int s = 0; s < shardCount; s++) {
                if (changed[s] && !buffers[s].isEmpty()) {
                    (stored[s] ? out.stored() : out.fresh()).add(AudienceChunks.chunk(audience, s, next[s], buffers[s]));
                    stored[s] = true;
                }
                changed[s] = false;
            }
            return out;
        }

        /** Everything not yet written, once every part is done. */
        synchronized Writes rest() {
            for (int s = 0; s < shardCount; s++) {
                if (!buffers[s].isEmpty()) {
                    seal(s);
                }
            }
            return takeSealed();
        }

        private Writes takeSealed() {
            Writes out = new Writes(new ArrayList<>(sealed), new ArrayList<>(sealedStored));
            sealed.clear();
            sealedStored.clear();
            return out;
        }

        private void seal(int s) {
            (stored[s] ? sealedStored : sealed).add(AudienceChunks.chunk(audience, s, next[s]++, buffers[s]));
            buffers[s] = new ArrayList<>();
            changed[s] = false;
            stored[s] = false;
        }

        synchronized long matched() {
            return matched;
        }

        synchronized List<Integer> layout() {
            return Arrays.stream(next).boxed().toList();
        }

        synchronized List<Integer> fill() {
            return Arrays.stream(buffers).map(List::size).toList();
        }
    }
}
