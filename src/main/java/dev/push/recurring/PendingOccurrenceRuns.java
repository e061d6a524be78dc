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

import java.time.LocalDate;
import java.util.List;

/**
 * The rule that every occurrence decided to run gets its one run, started once, whoever decided it and whenever that
 * master stopped. The decision carries the run's id and, when the series rebuilds its audience, the rebuilt
 * audience's ({@link Occurrences#decision}), and stays {@code pending} until the run is started (or failed); each step
 * here is safe to repeat: the audience and the run are inserted under those ids (a second insert fails on the
 * duplicate key and the caller carries on with the one made), and a start is a compare-and-set from {@code ready}. So
 * a master killed anywhere between its decision and its run's start leaves nothing that is not the occurrence's own,
 * and nothing is made or built twice. The master that decided makes the run at once; every master, every tick, carries
 * on the pending ones — a master killed midway leaves one, and a run over a rebuilt audience waits for its build.
 */
@ApplicationScoped
public class PendingOccurrenceRuns {
    private static final Logger LOG = Logger.getLogger(PendingOccurrenceRuns.class);

    @Inject
    Occurrences occurrences;

    @Inject
    Campaigns campaigns;

    @Inject
    Tasks tasks;

    @Inject
    Audiences audiences;

    /** Every master, every tick: the pending occurrences. */
    void takeUp() {
        for (Document o : occurrences.pending()) {
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
        Long audienceId = o.getLong("audience");
        Task series = tasks.find(o.getLong("campaign"));
        Task run = tasks.find(runId);
        if (run == null && series == null) {
            end(key, audienceId, "campaign " + o.getLong("campaign") + " no longer exists");
            return;
        }
        String name = (series == null ? run.name : series.name + " · " + o.getDate("at").toInstant());
        if (run == null && audienceId != null && tasks.find(audienceId) == null) {
            try {
                audiences.rebuild(tasks.get(Task.AUDIENCE, series.audienceId), audienceId, name, RecurringRuns.BY);
            } catch (ApiException e) {
                occurrences.orphaned(key, "its audience could not be rebuilt: " + e.getMessage());
                return;
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

    /** An occurrence that will have no run: it ends with the reason, and its rebuilt audience goes if never started. */
    private void end(String key, Long audienceId, String reason) {
        occurrences.orphaned(key, reason);
        Task audience = audienceId == null ? null : tasks.find(audienceId);
        if (audience != null && audience.taskState() == TaskState.READY) {
            tasks.delete(audience);
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
