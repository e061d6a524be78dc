package dev.push.recurring;

import dev.push.api.ApiException;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Making a campaign recur, and what an operator does with the series: pause and resume it, skip its next
 * occurrence, see its next occurrences and its runs (docs/recurring.md). The campaign itself is the series'
 * definition and stays ready; each occurrence runs as a new campaign made from it ({@link RecurringRuns}).
 */
@ApplicationScoped
public class RecurringCampaigns {
    static final String RUN = "run";
    static final String SKIP = "skip";
    static final String FIXED = "fixed";
    static final String REBUILD = "rebuild";
    /** Occurrences shown ahead. */
    static final int AHEAD = 5;
    /** The longest window of skipReachedDays. */
    static final int MAX_WINDOW_DAYS = 366;

    @Inject
    Recurrences recurrences;

    @Inject
    Occurrences occurrences;

    @Inject
    Tasks tasks;

    @Inject
    Clock clock;

    /**
     * What an operator sends: the schedule, what a missed occurrence does ({@code run} once, or {@code skip}), and
     * optionally a window in days: a run skips the members an earlier run that fell within it reached; and whether
     * each run uses the campaign's audience as built ({@code fixed}, the default) or rebuilds it from its query
     * ({@code rebuild}).
     */
    public record Request(String cron, String zone, String missed, Integer skipReachedDays, String audience) {
    }

    /** The series as answered: its schedule, whether paused, the skipped occurrence, the next ones. */
    public record View(long campaign, String cron, String zone, String missed, Integer skipReachedDays, String audience,
                       boolean paused, Instant skip, List<Instant> next) {
    }

    /**
     * One occurrence: its instant, what was decided, by which instance, and its run (a campaign id) if it runs;
     * {@code pending} until that run is made and started (or failed, with the reason).
     */
    public record Occurrence(Instant at, String outcome, int missed, String by, Instant decidedAt, Long run,
                             String runState, Long audience, String reason, boolean pending) {
    }

    public View recur(long campaign, Request request, String by) {
        Task t = series(campaign);
        if (t.taskState() != TaskState.READY) {
            throw ApiException.conflict("campaign " + campaign + " is " + t.state + ": only a ready campaign can recur"
                    + " (it stays ready, the definition of its runs)");
        }
        if (request == null) {
            throw ApiException.badRequest("body", "must be {cron, zone, missed?}");
        }
        Schedule schedule = Schedule.of(request.cron(), request.zone());
        String missed = request.missed() == null ? RUN : request.missed();
        if (!missed.equals(RUN) && !missed.equals(SKIP)) {
            throw ApiException.badRequest("missed", "must be run (a missed occurrence runs once when an instance is back)"
                    + " or skip (it is recorded and not run)");
        }
        Integer window = request.skipReachedDays();
        if (window != null && (window < 1 || window > MAX_WINDOW_DAYS)) {
            throw ApiException.badRequest("skipReachedDays", "must be 1 to " + MAX_WINDOW_DAYS + " days, or absent");
        }
        String audience = request.audience() == null ? FIXED : request.audience();
        if (!audience.equals(FIXED) && !audience.equals(REBUILD)) {
            throw ApiException.badRequest("audience", "must be fixed (each run uses the audience as built) or rebuild"
                    + " (each run builds it afresh from its query)");
        }
        if (audience.equals(REBUILD)) {
            Task a = tasks.find(t.audienceId);
            if (a == null || a.source == null || !"query".equals(a.source.getString("kind"))) {
                throw ApiException.badRequest("audience", "rebuild needs a query audience; audience " + t.audienceId + " is not one");
            }
        }
        Instant first = schedule.after(clock.instant());
        if (first == null) {
            throw ApiException.badRequest("cron", "has no occurrence after now");
        }
        recurrences.save(new Document("_id", campaign).append("cron", schedule.cron()).append("zone", schedule.zone().getId())
                .append("missed", missed).append("skipReachedDays", window).append("audience", audience).append("next", Date.from(first)).append("by", by)
                .append("at", Date.from(clock.instant())));
        return view(campaign);
    }

    public View view(long campaign) {
        Document r = recurrence(campaign);
        Schedule schedule = Schedule.of(r.getString("cron"), r.getString("zone"));
        Date next = r.getDate("next");
        List<Instant> ahead = new ArrayList<>();
        if (next != null) {
            ahead.add(next.toInstant());
            ahead.addAll(schedule.next(next.toInstant(), AHEAD - 1));
        }
        Date skip = r.getDate("skip");
        return new View(campaign, r.getString("cron"), r.getString("zone"), r.getString("missed"),
                r.getInteger("skipReachedDays"), r.get("audience", FIXED), next == null, skip == null ? null : skip.toInstant(), ahead);
    }

    /** Pauses the series: no occurrence is decided until it resumes; those that fall meanwhile are not run. */
    public View pause(long campaign) {
        recurrence(campaign);
        recurrences.setNext(campaign, null);
        return view(campaign);
    }

    /** Resumes at the first occurrence after now. */
    public View resume(long campaign) {
        Document r = recurrence(campaign);
        Instant first = Schedule.of(r.getString("cron"), r.getString("zone")).after(clock.instant());
        recurrences.setNext(campaign, first == null ? null : Date.from(first));
        return view(campaign);
    }

    /** Skips the next occurrence: it is recorded as skipped and not run; the ones after it run. */
    public View skipNext(long campaign) {
        Document r = recurrence(campaign);
        if (r.getDate("next") == null) {
            throw ApiException.conflict("recurring campaign " + campaign + " is paused: it has no next occurrence to skip");
        }
        recurrences.skip(campaign, r.getDate("next"));
        return view(campaign);
    }

    public void stop(long campaign) {
        if (!recurrences.delete(campaign)) {
            throw ApiException.notFound("recurrence of campaign", campaign);
        }
    }

    /** The occurrences decided so far, newest first, each with its run's state. */
    public List<Occurrence> occurrences(long campaign, int limit) {
        recurrence(campaign);
        List<Occurrence> out = new ArrayList<>();
        for (Document o : occurrences.of(campaign, limit)) {
            Long run = o.getLong("run");
            Task t = run == null ? null : tasks.find(run);
            out.add(new Occurrence(o.getDate("at").toInstant(), o.getString("outcome"), o.getInteger("missed", 0),
                    o.getString("by"), o.getDate("decidedAt").toInstant(), run, t == null ? null : t.state,
                    o.getLong("audience"), o.getString("reason"), Boolean.TRUE.equals(o.getBoolean("pending"))));
        }
        return out;
    }

    private Task series(long campaign) {
        return tasks.get(Task.CAMPAIGN, campaign);
    }

    private Document recurrence(long campaign) {
        Document r = recurrences.find(campaign);
        if (r == null) {
            throw ApiException.notFound("recurrence of campaign", campaign);
        }
        return r;
    }
}
