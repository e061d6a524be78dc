package dev.push.recurring;

import dev.push.engine.ClockedStep;
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
 * ({@link OccurrenceDecision}), record the decision under the instant's unique key with the ids its run and, when the
 * series rebuilds its audience, that audience will have ({@link Occurrences}), move the campaign's next occurrence on
 * ({@link Recurrences#advance}), and — the master whose record won — make the occurrence's run and start it
 * ({@link PendingOccurrenceRuns}). Every master may do this at once:
 * two deciding one instant make one record and one run; a decision whose master stopped before its run was made is
 * taken up by any master.
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
    PendingOccurrenceRuns pending;

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
        pending.takeUp();
    }

    private void decide(String instanceId, Document r, Instant now) {
        long campaign = r.getLong("_id");
        Schedule schedule = Schedule.of(r.getString("cron"), r.getString("zone"));
        Date next = r.getDate("next");
        Instant following = schedule.after(now);
        Date moveTo = following == null ? null : Date.from(following);
        Instant first = firstUndecided(campaign, schedule, next.toInstant(), now);
        if (first == null) {
            recurrences.advance(campaign, next, moveTo);
            return;
        }
        Date skip = r.getDate("skip");
        OccurrenceDecision d = OccurrenceDecision.decide(schedule, first, now,
                skip == null ? null : skip.toInstant(), RecurringCampaigns.RUN.equals(r.getString("missed")));
        Document decision;
        if (d.runs()) {
            Integer window = r.getInteger("skipReachedDays");
            List<Long> skipReached = window == null ? List.of()
                    : occurrences.runsSince(campaign, d.at().minus(Duration.ofDays(window)), d.at());
            decision = Occurrences.decision(campaign, d, instanceId, now, tasks.reserveId(),
                    d.at().atZone(schedule.zone()).toLocalDate(), skipReached,
                    RecurringCampaigns.REBUILD.equals(r.getString("audience")) ? tasks.reserveId() : null);
        } else {
            decision = Occurrences.decision(campaign, d, instanceId, now, null, null, List.of(), null);
        }
        boolean won = occurrences.decide(decision);
        recurrences.advance(campaign, next, moveTo);
        if (won && d.runs()) {
            pending.make(decision);
        }
    }

    /**
     * The first instant from {@code next} to {@code now} that no master decided, or null when none is left. A master
     * stopped between recording its decision and moving {@code next} on leaves {@code next} at or before the instant
     * it decided; a master finding it due later must not count that instant, or the ones before it, as missed. The
     * latest decision is read only when more than one instant has come — for one, its duplicate insert is the answer.
     */
    private Instant firstUndecided(long campaign, Schedule schedule, Instant next, Instant now) {
        Instant after = schedule.after(next);
        if (after == null || after.isAfter(now)) {
            return next;
        }
        Instant latest = occurrences.latest(campaign);
        if (latest == null || latest.isBefore(next)) {
            return next;
        }
        Instant undecided = schedule.after(latest);
        return undecided == null || undecided.isAfter(now) ? null : undecided;
    }
}
