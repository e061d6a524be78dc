package dev.push.audience;

import dev.push.engine.TaskKind;
import dev.push.engine.UnitWork;
import dev.push.engine.WorkerContext;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How workers build an audience. A list or upload is built shard by shard from its staged ids
 * (de-duplicated in memory, N/S ids at a time); a combine shard by shard from its sources'
 * chunks of that shard; a query in one unit ({@link QueryScan}). A unit's chunks and counters are
 * written before it is marked done, so a unit taken over after a crash is simply built again
 * (a query scan from its last checkpoint).
 */
@ApplicationScoped
public class AudienceBuild implements TaskKind {
    @Inject
    AudienceChunks chunks;

    @Inject
    AudienceStaging staging;

    @Inject
    TaskUnits shards;

    @Inject
    Tasks tasks;

    @Inject
    QueryScan queryScan;

    @Override
    public boolean handles(Task task) {
        return task.isAudience();
    }

    @Inject
    Audiences audiences;

    @Override
    public long startCheck(Task task) {
        return audiences.startCheck(task);
    }

    @Inject
    StrayChunkSweep strays;

    /**
     * A built audience keeps its chunk layout: chunks per shard, as its units wrote them; what
     * unfinished attempts wrote beyond it goes ({@link StrayChunkSweep}).
     */
    @Override
    public Bson finished(Task audience, List<Document> units) {
        List<Integer> layout = new ArrayList<>(audience.shards);
        // A query scan is one unit writing every shard: it leaves the whole layout.
        @SuppressWarnings("unchecked")
        List<Integer> scanned = units.size() == 1 ? (List<Integer>) units.get(0).get("layout") : null;
        if (scanned != null) {
            layout.addAll(scanned);
        } else {
            for (Document u : units) {
                layout.add(u.getInteger("chunks", 0));
            }
        }
        strays.sweep(audience.id, layout);
        return Updates.set("layout", layout);
    }

    @Override
    public UnitWork open(WorkerContext worker, Task task, Document leasedUnit) {
        Document key = (Document) leasedUnit.get("_id");
        AudienceSource source = AudienceSource.of(task.source);
        return new UnitWork() {
            @Override
            public Uni<Boolean> step() {
                return Uni.createFrom().item(() -> {
                    if (source instanceof AudienceSource.Query) {
                        queryScan.run(worker, task, leasedUnit);
                    } else {
                        buildShard(worker, task, key, source);
                    }
                    return false;
                });
            }

            @Override
            public void release() {
                shards.release(key, worker.workerId());
            }
        };
    }

    private void buildShard(WorkerContext worker, Task task, Document key, AudienceSource source) {
        int shard = key.getInteger("s");
        Progress counts = new Progress();
        List<String> ids;
        if (source instanceof AudienceSource.Combine combine) {
            ids = combine(combine, shard, counts);
        } else {
            List<String> staged = staging.readShard(task.id, task.stagedUpload, shard, task.staged.get(shard));
            counts.processed = staged.size();
            ids = new ArrayList<>(new LinkedHashSet<>(staged));
        }
        counts.sent = ids.size();
        counts.skipped = counts.processed - ids.size();
        if (!paced(worker, ids.size())) {
            shards.release(key, worker.workerId());
            return;
        }
        int written = chunks.writeShard(task.id, shard, ids);
        shards.complete(key, worker.workerId(), new Document("chunks", written).append("counts", counts.toDocument()));
    }

    /**
     * Honours the audience's qps (members added per second over all its workers): waits for the
     * shard's share, in short naps so that a pause or stop is obeyed; false when told to stop.
     */
    private static boolean paced(WorkerContext worker, int members) {
        return paced(worker, members, worker::stopRequested);
    }

    /** Waits for the rate to allow {@code members}, in naps of at most 100 ms; false once {@code halted}. */
    static boolean paced(WorkerContext worker, int members, BooleanSupplier halted) {
        long until = System.currentTimeMillis() + worker.reserve(members);
        while (System.currentTimeMillis() < until) {
            if (halted.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(100, until - System.currentTimeMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private List<String> combine(AudienceSource.Combine combine, int shard, Progress counts) {
        List<List<String>> ids = new ArrayList<>();
        for (Long n : combine.audiences()) {
            Task source = tasks.find(n);
            List<String> shardIds = chunks.readShard(source.id, shard, source.layout.get(shard));
            counts.processed += shardIds.size();
            ids.add(shardIds);
        }
        return new ArrayList<>(combine.op().apply(ids));
    }
}
