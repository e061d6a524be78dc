package dev.push.audience;

import dev.push.engine.TaskKind;
import dev.push.engine.UnitWork;
import dev.push.engine.WorkerContext;
import dev.push.task.Progress;
import dev.push.task.SizedUnits;
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
import java.util.function.IntUnaryOperator;

/**
 * How workers build an audience. A list, an upload or a combine is built in units of consecutive shards sized
 * to its members ({@link SizedUnits}, decided by the start check): a unit reads its shards' staged ids (a list
 * or upload, de-duplicated in memory shard by shard) or its sources' chunks of those shards (a combine) a step
 * at a time, a step being the next shards up to about {@value #STEP_CHUNKS} chunks read (at a qps, about a
 * second of the rate, at least one shard), writes their chunks in batches over the step's shards, and
 * checkpoints: the shards built ({@code cursor}), their chunks ({@code layout}) and the counters, in one write
 * under the lease. A worker that takes the unit over goes on after the last checkpoint; the step the holder
 * was in is built again, over the same chunk keys with the same ids. A query is built in one unit
 * ({@link QueryScan}).
 */
@ApplicationScoped
public class AudienceBuild implements TaskKind {
    /** Chunks a step reads at most (a shard of more is one step): one write batch of chunks out. */
    static final int STEP_CHUNKS = AudienceChunks.WRITE_BATCH;

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
     * A built audience keeps its chunk layout: chunks per shard, as its units wrote them (each unit its run of
     * shards, in unit order; a query scan's one unit all of them); what unfinished attempts wrote beyond it goes
     * ({@link StrayChunkSweep}). The first build of a list or an upload has nothing beyond it: no chunk of the
     * audience existed before it, and every attempt writes each shard from the same staged ids (they cannot
     * change while it runs), so to the same number of chunks. It is not swept (the sweep is most of a small
     * build's time); nor is a first build whose every unit had one attempt.
     */
    @Override
    public Bson finished(Task audience, List<Document> units) {
        List<Integer> layout = new ArrayList<>(audience.shards);
        for (Document u : units) {
            // A unit completed before builds were sized is one shard with its chunk count.
            layout.addAll(u.containsKey("layout") ? u.getList("layout", Integer.class) : List.of(u.getInteger("chunks", 0)));
        }
        if (audience.run > 1 || !AudienceSource.of(audience.source).namesMembers() && !eachUnitInOneAttempt(units)) {
            strays.sweep(audience.id, layout);
        }
        return Updates.set("layout", layout);
    }

    /**
     * Whether every unit of a first build was leased once: then one attempt wrote each unit's chunks, all within
     * the layout it recorded (a query scan writes a shard's open chunk at the index it seals it at), and there is
     * nothing beyond to sweep. A query or a combine is swept only when a unit had a second attempt.
     */
    private static boolean eachUnitInOneAttempt(List<Document> units) {
        return !units.isEmpty() && units.stream().allMatch(TaskUnits::oneAttempt);
    }

    @Override
    public UnitWork open(WorkerContext worker, Task task, Document leasedUnit) {
        Document key = (Document) leasedUnit.get("_id");
        AudienceSource source = AudienceSource.of(task.source);
        if (source instanceof AudienceSource.Query) {
            return new UnitWork() {
                @Override
                public Uni<Boolean> step() {
                    return Uni.createFrom().item(() -> {
                        queryScan.run(worker, task, leasedUnit);
                        return false;
                    });
                }

                @Override
                public void release() {
                    shards.release(key, worker.workerId());
                }
            };
        }
        return new ShardRun(worker, task, source, leasedUnit);
    }

    /** One unit of a list, upload or combine build: its run of shards, built a step at a time from its checkpoint. */
    private final class ShardRun implements UnitWork {
        private final WorkerContext worker;
        private final Task task;
        private final AudienceSource source;
        private final Document key;
        private final int first;
        private final int end;
        private final List<Integer> layout;
        private final Progress counts;
        /** The source audiences of a combine, read once per attempt. */
        private List<Task> sources;

        ShardRun(WorkerContext worker, Task task, AudienceSource source, Document unit) {
            this.worker = worker;
            this.task = task;
            this.source = source;
            this.key = (Document) unit.get("_id");
            int u = key.getInteger("s");
            this.first = SizedUnits.firstShard(u, task.units, task.shards);
            this.end = SizedUnits.firstShard(u + 1, task.units, task.shards);
            this.layout = new ArrayList<>(unit.getList("layout", Integer.class, List.of()));
            this.counts = Progress.of(unit.get("counts", Document.class));
        }

        @Override
        public Uni<Boolean> step() {
            return Uni.createFrom().item(this::buildStep);
        }

        private boolean buildStep() {
            int from = first + layout.size();
            Progress stepCounts = new Progress();
            List<List<String>> ids = from < end ? read(from, stepCounts) : List.of();
            int members = ids.stream().mapToInt(List::size).sum();
            stepCounts.sent = members;
            stepCounts.skipped = stepCounts.processed - members;
            if (!paced(worker, members)) {
                shards.release(key, worker.workerId());
                return false;
            }
            layout.addAll(chunks.writeShards(task.id, from, ids));
            counts.add(stepCounts);
            Document fields = new Document("cursor", layout.size()).append("layout", layout)
                    .append("counts", counts.toDocument());
            if (first + layout.size() == end) {
                shards.complete(key, worker.workerId(), fields);
                return false;
            }
            // False when the lease was lost: the worker that has the unit now goes on from its checkpoint.
            return shards.checkpoint(key, worker.workerId(), worker.leaseMillis(), fields);
        }

        /** The members of the next step's shards from {@code from}, each shard's once; counts what was read. */
        private List<List<String>> read(int from, Progress stepCounts) {
            int budget = STEP_CHUNKS;
            if (worker.task().qps > 0) {
                budget = Math.max(1, worker.batchAllowance(STEP_CHUNKS * AudienceChunks.SIZE) / AudienceChunks.SIZE);
            }
            List<List<String>> out;
            if (source instanceof AudienceSource.Combine combine) {
                if (sources == null) {
                    sources = combine.audiences().stream().map(tasks::find).toList();
                }
                int to = stepEnd(from, budget, s -> sources.stream().mapToInt(src -> src.layout.get(s)).sum());
                List<List<List<String>>> read = new ArrayList<>();
                for (Task src : sources) {
                    List<List<String>> shardIds = chunks.readShards(src.id, from, src.layout.subList(from, to));
                    shardIds.forEach(i -> stepCounts.processed += i.size());
                    read.add(shardIds);
                }
                out = new ArrayList<>();
                for (int i = 0; i < to - from; i++) {
                    List<List<String>> perSource = new ArrayList<>();
                    for (List<List<String>> r : read) {
                        perSource.add(r.get(i));
                    }
                    out.add(new ArrayList<>(combine.op().apply(perSource)));
                }
            } else {
                int to = stepEnd(from, budget, task.staged::get);
                List<List<String>> staged = staging.readShards(task.id, task.stagedUpload, from, task.staged.subList(from, to));
                out = new ArrayList<>();
                for (List<String> shardIds : staged) {
                    stepCounts.processed += shardIds.size();
                    out.add(new ArrayList<>(new LinkedHashSet<>(shardIds)));
                }
            }
            return out;
        }

        /** The shard after the step from {@code from}: as many shards as {@code budget} chunks read cover, at least one. */
        private int stepEnd(int from, int budget, IntUnaryOperator chunksOf) {
            int to = from + 1;
            int read = chunksOf.applyAsInt(from);
            while (to < end && read + chunksOf.applyAsInt(to) <= budget) {
                read += chunksOf.applyAsInt(to);
                to++;
            }
            return to;
        }

        @Override
        public void release() {
            shards.release(key, worker.workerId());
        }
    }

    /**
     * Honours the audience's qps (members added per second over all its workers): waits for the
     * step's share, in short naps so that a pause or stop is obeyed; false when told to stop.
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
}
