package dev.push.task;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.storage.CoordinationConcern;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Creates tasks and moves them between states. Every transition is one compare-and-set on the
 * task document's current state, and appends to its audit trail in the same update.
 */
@ApplicationScoped
public class Tasks {
    @Inject
    PushDatabase collections;

    @Inject
    TaskUnits shards;

    @Inject
    Clock clock;

    @Inject
    Event<TaskCommanded> commanded;

    MongoCollection<Task> coll() {
        return CoordinationConcern.pin(Task.<Task>mongoCollection());
    }

    public Task create(Task t, String by) {
        t.id = collections.nextId("task");
        insert(t, by);
        return t;
    }

    /**
     * Creates {@code t} under an id taken earlier ({@link #reserveId}), once: false when a task of that id exists
     * already, so that every caller making the same task from the same decision makes one.
     */
    public boolean createOnce(Task t, long id, String by) {
        t.id = id;
        try {
            insert(t, by);
            return true;
        } catch (com.mongodb.MongoWriteException e) {
            if (e.getError().getCategory() != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    /** A task id, taken now for a task made later ({@link #createOnce}). */
    public long reserveId() {
        return collections.nextId("task");
    }

    private void insert(Task t, String by) {
        Date now = new Date();
        t.state = TaskState.READY.wire();
        t.createdAt = now;
        t.updatedAt = now;
        t.history = new ArrayList<>(List.of(new Transition(now, null, TaskState.READY.wire(), by, "created")));
        coll().insertOne(t);
    }

    /** Entries a task's history keeps, the latest: a task flapping between reboot and started adds two a time. */
    public static final int HISTORY_KEPT = 100;

    /**
     * The update appending an entry to a task's history, dropping the oldest past {@link #HISTORY_KEPT}.
     * The one place a history entry is built: {@code from} and {@code to} are equal for a change that
     * keeps the state.
     */
    static Bson history(Date at, String from, String to, String by, String reason) {
        return history(at, from, to, by, reason, null);
    }

    /** The history entry, with {@code details}: the figures behind a decision (null when none). */
    static Bson history(Date at, String from, String to, String by, String reason, org.bson.Document details) {
        org.bson.Document entry = new org.bson.Document("at", at).append("from", from).append("to", to)
                .append("by", by).append("reason", reason);
        if (details != null) {
            entry.append("details", details);
        }
        return Updates.pushEach("history", List.of(entry), new PushOptions().slice(-HISTORY_KEPT));
    }

    public Task find(long id) {
        return coll().find(Filters.eq("_id", id)).first();
    }

    /**
     * The fields the audit trail records of a task (kind, name, state, disabled, workers, qps), read
     * by key without its history or source, which can be large.
     */
    public Task brief(long id) {
        return coll().find(Filters.eq("_id", id))
                .projection(Projections.include("kind", "name", "state", "disabled", "workers", "qps")).first();
    }

    public Task get(String kind, long id) {
        Task t = find(id);
        if (t == null || !t.kind.equals(kind)) {
            throw ApiException.notFound(kind, id);
        }
        return t;
    }

    /**
     * Carries out an operator's command, or answers 409 naming the current state.
     * {@code startCheck} may refuse a start for reasons of the task's kind, and answers the
     * total of members the run will process (0 when not known in advance).
     */
    public Task command(String kind, long id, TaskState.Command command, String by, StartCheck startCheck) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Task t = get(kind, id);
            TaskState current = t.taskState();
            if (!command.from.contains(current)) {
                throw ApiException.conflict("cannot " + command.wire() + " " + kind + " " + id + ": its state is "
                        + current.wire() + " (allowed from " + command.from.stream().map(TaskState::wire).sorted()
                        .collect(Collectors.joining(", ")) + ")");
            }
            if (t.disabled && command == TaskState.Command.START) {
                throw ApiException.conflict(kind + " " + id + " is disabled");
            }
            Bson extra = command == TaskState.Command.START
                    ? newRun(t, startCheck == null ? 0 : startCheck.totalFor(t)) : null;
            Task moved = move(t, current, command.to, by, command.wire(), extra);
            if (moved != null) {
                commanded.fire(new TaskCommanded(id, command));
                return moved;
            }
        }
        throw ApiException.conflict(kind + " " + id + " is changing state concurrently; try again");
    }

    /**
     * Creates the units of the task's next run; answers the update that starts it, counting {@code total} members.
     * The unit count is {@code t.units} as the start check left it (a campaign sizes its run to its audience), and is
     * written with the run so that every reader pairs the run with its own count.
     */
    private Bson newRun(Task t, long total) {
        long run = t.run + 1;
        shards.create(t.id, run, t.units);
        List<Bson> updates = new ArrayList<>(List.of(Updates.set("run", run), Updates.set("units", t.units), Updates.set("startedAt", new Date()),
                Updates.set("finishedAt", null), Updates.set("errorStreak", 0L),
                Updates.set("lastErrors", List.of()),
                Updates.set("progress", new Progress().withTotal(total).toDocument())));
        if (t.timing != null && t.timing.get("startedAt") == null) {
            // Whose local time had passed is judged at the first start, on the injected clock.
            updates.add(Updates.set("timing.startedAt", Date.from(clock.instant())));
        }
        if (t.ttl != null && t.expiresAt == null) {
            // The TTL counts from the first start: a stopped campaign started again keeps its expiry.
            updates.add(Updates.set("expiresAt", Date.from(clock.instant().plus(Duration.parse(t.ttl)))));
        }
        return Updates.combine(updates);
    }

    /**
     * Starts a new run of a task as the start command does, not on an operator's command but on a decision its
     * kind made ({@code reason}, with the figures in {@code details}): only while the task is still in {@code from}
     * and matches {@code condition}, with {@code extra} in the same update. Null when it changed meanwhile.
     */
    public Task startRun(Task seen, TaskState from, long total, String by, String reason, org.bson.Document details,
                         Bson condition, Bson extra) {
        Task moved = move(coll(), seen.id, from, TaskState.STARTED, by, reason, details, condition,
                extra == null ? newRun(seen, total) : Updates.combine(newRun(seen, total), extra));
        if (moved != null) {
            commanded.fire(new TaskCommanded(seen.id, TaskState.Command.START));
        }
        return moved;
    }

    /**
     * The compare-and-set of {@link #move(Task, TaskState, TaskState, String, String, Bson)}, also requiring
     * {@code condition} (e.g. the phase the caller saw), with {@code details} in the history entry.
     */
    public Task move(Task t, TaskState from, TaskState to, String by, String reason, org.bson.Document details,
                     Bson condition, Bson extra) {
        return move(coll(), t.id, from, to, by, reason, details, condition, extra);
    }

    /**
     * Compare-and-set from {@code from} to {@code to}; null when the task was no longer in
     * {@code from}. {@code extra} is applied in the same update.
     */
    public Task move(Task t, TaskState from, TaskState to, String by, String reason, Bson extra) {
        return move(coll(), t.id, from, to, by, reason, extra);
    }

    /**
     * The compare-and-set of {@link #move(Task, TaskState, TaskState, String, String, Bson)} on any
     * view of the tasks collection (the store contract tests run it on plain documents).
     */
    public static <T> T move(MongoCollection<T> tasks, long id, TaskState from, TaskState to, String by, String reason,
                             Bson extra) {
        return move(tasks, id, from, to, by, reason, null, null, extra);
    }

    private static <T> T move(MongoCollection<T> tasks, long id, TaskState from, TaskState to, String by, String reason,
                              org.bson.Document details, Bson condition, Bson extra) {
        Date now = new Date();
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set("state", to.wire()));
        updates.add(Updates.set("updatedAt", now));
        updates.add(Updates.set("stateReason", reason));
        updates.add(history(now, from.wire(), to.wire(), by, reason, details));
        if (to == TaskState.FINISHED || to == TaskState.FAILED || to == TaskState.STOPPED) {
            updates.add(Updates.set("finishedAt", now));
        }
        if (extra != null) {
            updates.add(extra);
        }
        Bson filter = Filters.and(Filters.eq("_id", id), Filters.eq("state", from.wire()));
        return tasks.findOneAndUpdate(condition == null ? filter : Filters.and(filter, condition),
                Updates.combine(updates), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    /** One page of a kind's tasks, newest first, and how many there are in all. */
    public record Page(List<Task> tasks, long total) {
    }

    public Page page(String kind, TaskState state, int offset, int limit) {
        Bson filter = Filters.eq("kind", kind);
        if (state != null) {
            filter = Filters.and(filter, Filters.eq("state", state.wire()));
        }
        long total = coll().countDocuments(filter);
        List<Task> tasks = coll().find(filter).sort(com.mongodb.client.model.Sorts.descending("_id"))
                .skip(offset).limit(limit).into(new ArrayList<>());
        return new Page(tasks, total);
    }

    /**
     * Tasks in which workers run (started or reboot), read every tick: by the state index, without
     * their history, which nothing of the engine reads.
     */
    public List<Task> running() {
        return coll().find(Filters.in("state", TaskState.STARTED.wire(), TaskState.REBOOT.wire()))
                .projection(Projections.exclude("history")).into(new ArrayList<>());
    }

    /** Tasks in {@code state} that also match {@code condition}, without their history. */
    public List<Task> in(TaskState state, Bson condition) {
        return coll().find(Filters.and(Filters.eq("state", state.wire()), condition))
                .projection(Projections.exclude("history")).into(new ArrayList<>());
    }

    /** Ready tasks whose start time has come. */
    public List<Task> due(long now) {
        return coll().find(Filters.and(Filters.eq("state", TaskState.READY.wire()), Filters.lte("startAt", new Date(now))))
                .projection(Projections.exclude("history")).into(new ArrayList<>());
    }

    /** Live progress of a task's current run, summed from its units. */
    public Progress liveProgress(Task t) {
        if (t.run == 0) {
            return t.progress == null ? new Progress() : t.progress;
        }
        if (t.taskState() == TaskState.FINISHED) {
            liveSums.remove(t.id);
            return t.progress;
        }
        Progress p;
        if (t.taskState().running()) {
            // Reading every unit costs a key lookup each (256 by default); a console or script
            // polling a running task several times a second shares one sum every half second.
            long now = System.currentTimeMillis();
            LiveSum sum = liveSums.get(t.id);
            if (sum == null || sum.run() != t.run || now - sum.at() > LIVE_SUM_MILLIS) {
                sum = new LiveSum(t.run, now, TaskUnits.sum(shards.all(t.id, t.run, t.units)).toDocument());
                liveSums.put(t.id, sum);
            }
            p = Progress.of(sum.counts());
        } else {
            // Paused or stopped: the counters hold still, and are read exactly.
            liveSums.remove(t.id);
            p = TaskUnits.sum(shards.all(t.id, t.run, t.units));
        }
        p.total = t.progress == null ? 0 : t.progress.total;
        return p;
    }

    static final long LIVE_SUM_MILLIS = 500;

    private record LiveSum(long run, long at, org.bson.Document counts) {
    }

    private final java.util.Map<Long, LiveSum> liveSums = new java.util.concurrent.ConcurrentHashMap<>();

    /** Adds channel errors to the task's streak of errors in a row; answers the task after. */
    public Task addErrors(long id, int count, List<String> reasons) {
        return coll().findOneAndUpdate(Filters.eq("_id", id),
                Updates.combine(Updates.inc("errorStreak", (long) count), Updates.set("lastErrors", reasons)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    /**
     * Checks a task may start and answers how many members its run will process; it may size the run by setting
     * {@code t.units}.
     */
    @FunctionalInterface
    public interface StartCheck {
        long totalFor(Task t);
    }

    /** Changes fields of a task that its audit trail does not record (counters, staged ids, kept copies). */
    public void update(long id, Bson update) {
        coll().updateOne(Filters.eq("_id", id), Updates.combine(update, Updates.set("updatedAt", new Date())));
    }

    /**
     * Changes fields of a task, keeping its state, and records the change in its history as
     * {@code by} and {@code reason} say. {@code seen} is the task as the caller read it.
     */
    public void amend(Task seen, Bson changes, String by, String reason) {
        Date now = new Date();
        coll().updateOne(Filters.eq("_id", seen.id), Updates.combine(changes, Updates.set("updatedAt", now),
                history(now, seen.state, seen.state, by, reason)));
    }

    /**
     * Switches an audience task to another staged upload, compare-and-set: only while it is still
     * in {@code state} and still on the upload {@code seen} had. False when it changed meanwhile.
     */
    public boolean switchStaged(Task seen, TaskState state, Bson changes) {
        return coll().updateOne(Filters.and(Filters.eq("_id", seen.id), Filters.eq("state", state.wire()),
                        Filters.eq("stagedUpload", seen.stagedUpload)),
                Updates.combine(changes, Updates.set("updatedAt", new Date()))).getMatchedCount() == 1;
    }

    /**
     * Deletes a task as the caller saw it, compare-and-set: only while its state and run are still
     * those of {@code seen}, so a task started since the caller's checks is never deleted. False
     * when it changed meanwhile.
     */
    public boolean delete(Task seen) {
        return coll().deleteOne(Filters.and(Filters.eq("_id", seen.id), Filters.eq("state", seen.state),
                Filters.eq("run", seen.run))).getDeletedCount() == 1;
    }
}
