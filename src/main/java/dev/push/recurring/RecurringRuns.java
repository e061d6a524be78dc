package dev.push.recurring;

import dev.push.audience.Audiences;
import dev.push.campaign.Campaigns;
import dev.push.engine.ClockedStep;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Each master, every tick: for each recurring campaign whose next occurrence has come, decide it
 * ({@link OccurrenceDecision}), record the decision under the instant's unique key ({@link Occurrences}), move the
 * campaign's next occurrence on ({@link Recurrences#advance}), and — only the master whose record won — make the
 * occurrence's run (a new campaign from the recurring one, {@link Campaigns#occurrence}) and start it. Every master
 * may do this at once: two deciding one instant make one record and one run.
 */
@ApplicationScoped
public class RecurringRuns implements ClockedStep {
    private static final Logger LOG = Logger.getLogger(RecurringRuns.class);
    static final String BY = "schedule";

    @Inject
    Recurrences recurrences;

    @Inject
    Occurrences occurrences;

    @Inject
    Campaigns campaigns;

    @Inject
    Tasks tasks;

    @Inject
    Audiences audiences;

    @Override
    public void run(String instanceId, long wallMillis) {
        Date now = new Date(wallMillis);
        for (Document r : recurrences.due(now)) {
            try {
                decide(instanceId, r, now.toInstant());
            } catch (RuntimeException e) {
                LOG.warnf(e, "recurring campaign %s: could not decide its occurrence", r.get("_id"));
            }
        }
        for (Document o : occurrences.building()) {
            try {
                startBuilt(o);
            } catch (RuntimeException e) {
                LOG.warnf(e, "occurrence %s: could not start its run", o.get("_id"));
            }
        }
    }

    /**
     * A run over a rebuilt audience starts once the audience is built: the master whose compare-and-set ends the
     * occurrence's wait starts it, so it starts once whoever sees the build finish.
     */
    private void startBuilt(Document o) {
        Task audience = tasks.find(o.getLong("audience"));
        TaskState state = audience == null ? TaskState.FAILED : audience.taskState();
        if (state == TaskState.FINISHED) {
            if (occurrences.built(o.getString("_id"))) {
                startRun(o.getString("_id"), tasks.find(o.getLong("run")));
            }
        } else if (state == TaskState.FAILED || state == TaskState.STOPPED) {
            if (occurrences.built(o.getString("_id"))) {
                String reason = "its audience " + o.getLong("audience") + " was not built: " + (audience == null ? "deleted" : audience.state);
                occurrences.failed(o.getString("_id"), reason);
                Task run = tasks.find(o.getLong("run"));
                tasks.move(run, TaskState.READY, TaskState.FAILED, BY, reason, null);
            }
        }
    }

    private void decide(String instanceId, Document r, Instant now) {
        long campaign = r.getLong("_id");
        Schedule schedule = Schedule.of(r.getString("cron"), r.getString("zone"));
        Date next = r.getDate("next");
        Date skip = r.getDate("skip");
        OccurrenceDecision d = OccurrenceDecision.decide(schedule, next.toInstant(), now,
                skip == null ? null : skip.toInstant(), RecurringCampaigns.RUN.equals(r.getString("missed")));
        String key = Occurrences.key(campaign, d.at());
        boolean won = occurrences.decide(new Document("_id", key).append("campaign", campaign).append("at", Date.from(d.at()))
                .append("outcome", d.outcome()).append("missed", d.missed()).append("by", instanceId)
                .append("decidedAt", Date.from(now)));
        Instant following = schedule.after(now);
        recurrences.advance(campaign, next, following == null ? null : Date.from(following));
        if (won && d.runs()) {
            Integer window = r.getInteger("skipReachedDays");
            start(campaign, key, d.at(), window == null ? List.of()
                    : occurrences.runsSince(campaign, d.at().minus(Duration.ofDays(window)), d.at()),
                    RecurringCampaigns.REBUILD.equals(r.getString("audience")));
        }
    }

    private void start(long campaign, String key, Instant at, List<Long> skipReached, boolean rebuild) {
        Task series = tasks.find(campaign);
        if (series == null) {
            occurrences.failed(key, "campaign " + campaign + " no longer exists");
            return;
        }
        String name = series.name + " · " + at;
        if (rebuild) {
            Task audience = audiences.rebuild(tasks.find(series.audienceId), name, BY);
            Task run = campaigns.occurrence(series, audience.id, name, BY, skipReached);
            occurrences.building(key, run.id, audience.id);
            tasks.command(Task.AUDIENCE, audience.id, TaskState.Command.START, BY, audiences::startCheck);
            return;
        }
        Task run = campaigns.occurrence(series, series.audienceId, name, BY, skipReached);
        occurrences.ran(key, run.id);
        startRun(key, run);
    }

    private void startRun(String key, Task run) {
        try {
            tasks.command(Task.CAMPAIGN, run.id, TaskState.Command.START, BY, campaigns::startCheck);
            LOG.infof("occurrence %s runs as campaign %d", key, run.id);
        } catch (RuntimeException e) {
            occurrences.failed(key, "could not start: " + e.getMessage());
            tasks.move(run, TaskState.READY, TaskState.FAILED, BY, "could not start at its occurrence: " + e.getMessage(), null);
        }
    }
}
