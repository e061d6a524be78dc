package dev.push.recurring;

import dev.push.api.ApiException;
import dev.push.audience.Audiences;
import dev.push.campaign.Campaigns;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The rule that every occurrence decided to run gets its one run, started once, whoever decided it and whenever that
 * master stopped. The decision carries the run's id ({@link Occurrences#decision}) and stays {@code pending} until the
 * run is started (or failed); each step here is safe to repeat: the run is inserted under that id (a second insert
 * fails on the duplicate key), a rebuilt audience is recorded on the occurrence only if none is, and a start is a
 * compare-and-set from {@code ready}. The master that decided makes the run at once; every master, every tick, carries
 * on the pending ones — a master killed between its decision and its run leaves one, and a run over a rebuilt
 * audience waits for its build. Only the one step that is not free to repeat, building a new audience (a second
 * would be thrown away), is left to the deciding master for {@link #ORPHANED_AFTER}.
 */
@ApplicationScoped
public class PendingOccurrenceRuns {
    private static final Logger LOG = Logger.getLogger(PendingOccurrenceRuns.class);
    /** How long the deciding master has to rebuild its run's audience before every master may (masters tick every second). */
    static final Duration ORPHANED_AFTER = Duration.ofSeconds(10);

    @Inject
    Occurrences occurrences;

    @Inject
    Campaigns campaigns;

    @Inject
    Tasks tasks;

    @Inject
    Audiences audiences;

    /** Every master, every tick: the pending occurrences, but a young one still to rebuild its audience. */
    void takeUp(Instant now) {
        Instant before = now.minus(ORPHANED_AFTER);
        for (Document o : occurrences.pending()) {
            if (Boolean.TRUE.equals(o.getBoolean("rebuild")) && o.get("audience") == null
                    && o.getDate("decidedAt").toInstant().isAfter(before)) {
                continue;
            }
            try {
                make(o);
            } catch (RuntimeException e) {
                LOG.warnf(e, "occurrence %s: could not make its run", o.get("_id"));
            }
        }
    }

    /** Makes and starts the run of a pending occurrence, or carries it as far as it can go now. */
    @SuppressWarnings("unchecked")
    void make(Document o) {
        String key = o.getString("_id");
        long runId = o.getLong("run");
        Task series = tasks.find(o.getLong("campaign"));
        Task run = tasks.find(runId);
        if (run == null && series == null) {
            occurrences.orphaned(key, "campaign " + o.getLong("campaign") + " no longer exists");
            return;
        }
        String name = (series == null ? run.name : series.name + " · " + o.getDate("at").toInstant());
        Long audienceId = o.getLong("audience");
        if (Boolean.TRUE.equals(o.getBoolean("rebuild")) && audienceId == null && run == null) {
            Task rebuilt;
            try {
                rebuilt = audiences.rebuild(tasks.get(Task.AUDIENCE, series.audienceId), name, RecurringRuns.BY);
            } catch (ApiException e) {
                occurrences.orphaned(key, "its audience could not be rebuilt: " + e.getMessage());
                return;
            }
            audienceId = occurrences.rebuiltAudience(key, rebuilt.id);
            if (audienceId.longValue() != rebuilt.id) {
                // Another master recorded its own first: this one was never started, and goes.
                tasks.delete(rebuilt);
            }
        }
        if (run == null) {
            List<Long> skipReached = o.get("skipReached") instanceof List<?> l ? (List<Long>) l : List.of();
            run = campaigns.occurrence(runId, series, audienceId == null ? series.audienceId : audienceId, name,
                    RecurringRuns.BY, skipReached, LocalDate.parse(o.getString("day")));
        }
        if (run.taskState() != TaskState.READY) {
            occurrences.made(key, null);
            return;
        }
        if (audienceId != null && !audienceBuilt(key, run, audienceId)) {
            return;
        }
        try {
            if (tasks.startRun(run, TaskState.READY, campaigns.startCheck(run), RecurringRuns.BY,
                    "its occurrence at " + o.getDate("at").toInstant(), null, null, null) != null) {
                LOG.infof("occurrence %s runs as campaign %d", key, run.id);
            }
            occurrences.made(key, null);
        } catch (ApiException e) {
            fail(key, run, "could not start at its occurrence: " + e.getMessage());
        }
    }

    /**
     * Whether the run's rebuilt audience is built; starts its build when it has not begun, and fails the run when the
     * build failed or was stopped.
     */
    private boolean audienceBuilt(String key, Task run, long audienceId) {
        Task audience = tasks.find(audienceId);
        TaskState state = audience == null ? TaskState.FAILED : audience.taskState();
        switch (state) {
            case FINISHED:
                return true;
            case READY:
                try {
                    tasks.startRun(audience, TaskState.READY, audiences.startCheck(audience), RecurringRuns.BY,
                            "built for " + run.name, null, null, null);
                } catch (ApiException e) {
                    fail(key, run, "its audience " + audienceId + " could not be built: " + e.getMessage());
                }
                return false;
            case FAILED:
            case STOPPED:
                fail(key, run, "its audience " + audienceId + " was not built: " + (audience == null ? "deleted" : audience.state));
                return false;
            default:
                return false;
        }
    }

    private void fail(String key, Task run, String reason) {
        tasks.move(run, TaskState.READY, TaskState.FAILED, RecurringRuns.BY, reason, null);
        occurrences.made(key, reason);
    }
}
