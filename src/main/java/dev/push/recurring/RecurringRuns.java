package dev.push.recurring;

import dev.push.campaign.Campaigns;
import dev.push.engine.ClockedStep;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Date;

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
            start(campaign, key, d.at());
        }
    }

    private void start(long campaign, String key, Instant at) {
        Task series = tasks.find(campaign);
        if (series == null) {
            occurrences.failed(key, "campaign " + campaign + " no longer exists");
            return;
        }
        Task run = campaigns.occurrence(series, series.name + " · " + at, BY);
        occurrences.ran(key, run.id);
        try {
            tasks.command(Task.CAMPAIGN, run.id, TaskState.Command.START, BY, campaigns::startCheck);
            LOG.infof("recurring campaign %d: occurrence %s runs as campaign %d", campaign, at, run.id);
        } catch (RuntimeException e) {
            occurrences.failed(key, "could not start: " + e.getMessage());
            tasks.move(run, TaskState.READY, TaskState.FAILED, BY, "could not start at its occurrence: " + e.getMessage(), null);
        }
    }
}
