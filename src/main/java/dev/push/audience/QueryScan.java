package dev.push.audience;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Projections;
import dev.push.storage.PushDatabase;
import dev.push.engine.WorkerContext;
import dev.push.member.Shards;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.TaskShards;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds a query audience in one unit: one pass over the members matching the filter, split
 * into as many member-id ranges as the audience has workers and scanned side by side (a scan is
 * bound by reading and decoding member documents, which parallelises), every match routed to its
 * shard's chunks. The ranges ({@link MemberRanges}) hold about as many members each; they cover
 * every id whatever was imported since, so each member is seen once. A pause or stop gives the unit back and the next attempt scans again from the start.
 */
@ApplicationScoped
class QueryScan {
    private static final Logger LOG = Logger.getLogger(QueryScan.class);
    static final int MAX_PARTS = 8;
    private static final int ROUTE_BATCH = 1000;
    private static final long WAIT_SLICE_MILLIS = 200;

    @Inject
    PushDatabase collections;

    @Inject
    AudienceChunks chunks;

    @Inject
    TaskShards shards;

    void run(WorkerContext worker, Task task, Document key) {
        MongoCollection<Document> members = collections.get(PushDatabase.MEMBERS);
        Document filter = MemberFilter.translate(task.source.get("filter", Document.class));
        Routing routing = new Routing(task.id, task.shards);
        AtomicBoolean halt = new AtomicBoolean();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        List<Document> ranges = MemberRanges.of(members, filter,
                Math.max(1, Math.min(MAX_PARTS, task.workers)), collections.embedded(), MemberRanges.MIN_RANGE);
        LOG.infof("audience %d: query scan in %d member-id range(s)", task.id, ranges.size());
        for (Document range : ranges) {
            Bson partFilter = MemberRanges.within(filter, range);
            parts.add(CompletableFuture.runAsync(() -> scanPart(members, partFilter, routing, halt), worker.blocking()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        long renewAt = System.currentTimeMillis() + worker.leaseMillis() / 3;
        // Until every part has ended, and then it is get() that tells whether one of them failed.
        while (true) {
            try {
                all.get(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (worker.stopRequested()) {
                    stopParts(halt, all);
                    shards.release(key, worker.workerId());
                    return;
                }
                if (System.currentTimeMillis() > renewAt) {
                    if (!shards.checkpoint(key, worker.workerId(), worker.leaseMillis(),
                            new Document("scanned", routing.matched()))) {
                        stopParts(halt, all); // the lease was taken over: another worker scans it
                        return;
                    }
                    renewAt = System.currentTimeMillis() + worker.leaseMillis() / 3;
                }
            } catch (ExecutionException e) {
                stopParts(halt, all);
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopParts(halt, all);
                return;
            }
        }
        chunks.write(routing.rest());
        Progress counts = new Progress();
        counts.processed = routing.matched();
        counts.sent = counts.processed;
        shards.complete(key, worker.workerId(), new Document("layout", routing.layout()).append("counts", counts.toDocument()));
    }

    private void scanPart(MongoCollection<Document> members, Bson filter, Routing routing, AtomicBoolean halt) {
        List<String> batch = new ArrayList<>(ROUTE_BATCH);
        try (MongoCursor<Document> cursor = members.find(filter).projection(Projections.include("_id"))
                .batchSize(5000).iterator()) {
            while (!halt.get() && cursor.hasNext()) {
                batch.add(cursor.next().getString("_id"));
                if (batch.size() == ROUTE_BATCH) {
                    chunks.write(routing.route(batch));
                    batch.clear();
                }
            }
        }
        if (!halt.get()) {
            chunks.write(routing.route(batch));
        }
    }

    private static void stopParts(AtomicBoolean halt, CompletableFuture<Void> all) {
        halt.set(true);
        try {
            all.join();
        } catch (RuntimeException ignored) {
            // Stopping anyway; a part's failure changes nothing now.
        }
    }

    /** Per-shard buffers shared by the parts; full chunks are handed back to be written outside the lock. */
    static final class Routing {
        private final long audience;
        private final int shardCount;
        private final List<String>[] buffers;
        private final int[] next;
        private final List<Document> sealed = new ArrayList<>();
        private long matched;

        @SuppressWarnings("unchecked")
        Routing(long audience, int shardCount) {
            this.audience = audience;
            this.shardCount = shardCount;
            this.buffers = new List[shardCount];
            this.next = new int[shardCount];
            for (int s = 0; s < shardCount; s++) {
                buffers[s] = new ArrayList<>();
            }
        }

        /** Routes ids to their shards; answers the chunks to write now (may be empty). */
        synchronized List<Document> route(List<String> ids) {
            for (String id : ids) {
                int s = Shards.of(id, shardCount);
                buffers[s].add(id);
                if (buffers[s].size() == AudienceChunks.SIZE) {
                    seal(s);
                }
            }
            matched += ids.size();
            if (sealed.size() < AudienceChunks.WRITE_BATCH) {
                return new ArrayList<>();
            }
            List<Document> out = new ArrayList<>(sealed);
            sealed.clear();
            return out;
        }

        /** Everything not yet written, once every part is done. */
        synchronized List<Document> rest() {
            for (int s = 0; s < shardCount; s++) {
                if (!buffers[s].isEmpty()) {
                    seal(s);
                }
            }
            List<Document> out = new ArrayList<>(sealed);
            sealed.clear();
            return out;
        }

        private void seal(int s) {
            sealed.add(AudienceChunks.chunk(audience, s, next[s]++, buffers[s]));
            buffers[s] = new ArrayList<>();
        }

        synchronized long matched() {
            return matched;
        }

        synchronized List<Integer> layout() {
            return Arrays.stream(next).boxed().toList();
        }
    }
}
