package dev.push.campaign;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.engine.MasterLoop;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import dev.push.tracking.Funnels;
import dev.push.variant.Variants;
import dev.push.variant.WinnerDecision;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * An A/B campaign in winner mode whose test split is sent waits, paused, until its decision time; then its winner is
 * decided ({@link WinnerDecision}) and sent to the holdout as a new run. Without a significant difference the
 * campaign's fallback applies: a named variant is sent, or ({@code stop}) the campaign stays paused, asking the
 * operator, who picks the winner by hand ({@link #pick}). Every decision goes into the campaign's history with its
 * figures and p-value. Each move is a compare-and-set on the phase it saw, so instances deciding at once decide once.
 */
@ApplicationScoped
public class WinnerDecisions {
    private static final Logger LOG = Logger.getLogger(WinnerDecisions.class);
    static final String BY = "winner decision";

    @Inject
    Tasks tasks;

    @Inject
    Campaigns campaigns;

    @Inject
    Funnels funnels;

    @Inject
    Clock clock;

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = MasterLoop.Disabled.class)
    void onSchedule() {
        decideDue(clock.millis());
    }

    /** Decides every campaign waiting for its winner whose decision time is {@code now} or earlier; answers how many. */
    public int decideDue(long now) {
        int decided = 0;
        for (Task c : tasks.in(TaskState.PAUSED, Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("winner.phase", Variants.WAITING), Filters.lte("winner.decideAt", new Date(now))))) {
            try {
                decided += decide(c) ? 1 : 0;
            } catch (RuntimeException e) {
                tasks.move(c, TaskState.PAUSED, TaskState.FAILED, BY, "could not send the A/B winner: " + e.getMessage(),
                        null);
            }
        }
        return decided;
    }

    private boolean decide(Task c) {
        WinnerDecision.Result result = figures(c);
        Document details = result.toDocument();
        String figures = result.summary();
        if (result.significant()) {
            String name = Variants.name(c, result.winner());
            details.append("winner", name);
            return sendWinner(c, result.winner(), BY, "A/B winner " + name + " (" + figures + ")", details, Variants.WAITING);
        }
        String fallback = c.winner.getString("fallback");
        details.append("fallback", fallback);
        if (!VariantRules.STOP.equals(fallback)) {
            details.append("winner", fallback);
            return sendWinner(c, Variants.number(c, fallback), BY, "A/B test without a significant winner (" + figures
                    + "); fallback: " + fallback, details, Variants.WAITING);
        }
        Task asking = tasks.move(c, TaskState.PAUSED, TaskState.PAUSED, BY, "A/B test without a significant winner ("
                        + figures + "); pick the winner: POST /api/campaigns/" + c.id + "/winner", details,
                Filters.eq("winner.phase", Variants.WAITING),
                Updates.combine(Updates.set("winner.phase", Variants.ASKING), Updates.set("winner.decision", details)));
        return asking != null;
    }

    /** The operator picks the winner of a campaign waiting for one (or asking for one), by the variant's name. */
    public Task pick(long id, String name, String by) {
        Task c = tasks.get(Task.CAMPAIGN, id);
        if (c.winner == null) {
            throw ApiException.conflict("campaign " + id + " has no winner mode");
        }
        if (name == null || Variants.number(c, name) == 0) {
            List<String> names = new ArrayList<>();
            c.variants.forEach(v -> names.add(v.getString("name")));
            throw ApiException.badRequest("variant", "must be the name of one of the campaign's variants ("
                    + String.join(", ", names) + ")");
        }
        String phase = Variants.phase(c);
        if (c.taskState() != TaskState.PAUSED || !(Variants.WAITING.equals(phase) || Variants.ASKING.equals(phase))) {
            throw ApiException.conflict("campaign " + id + " is " + c.state + " in A/B phase " + phase
                    + ": a winner is picked while the campaign waits for one");
        }
        WinnerDecision.Result result = figures(c);
        Document details = result.toDocument().append("winner", name).append("pickedBy", by);
        if (!sendWinner(c, Variants.number(c, name), by, "A/B winner " + name + " picked by " + by + " ("
                + result.summary() + ")", details, phase)) {
            throw ApiException.conflict("campaign " + id + " changed meanwhile; try again");
        }
        return tasks.get(Task.CAMPAIGN, id);
    }

    /** The test's figures now: members sent each variant and members with the metric's first event. */
    private WinnerDecision.Result figures(Task c) {
        String metric = c.winner.getString("metric");
        List<WinnerDecision.Arm> arms = new ArrayList<>();
        for (Funnels.VariantFunnel v : funnels.of(c.id, 0, null, 0, campaigns.variantsSent(c)).variants()) {
            arms.add(new WinnerDecision.Arm(v.variant(), v.name(), v.sent(), v.members(metric)));
        }
        return WinnerDecision.decide(metric, c.winner.getDouble("alpha"), arms);
    }

    /** Starts the run that sends the winner to the holdout, if the campaign is still paused in {@code phase}. */
    private boolean sendWinner(Task c, int variant, String by, String reason, Document details, String phase) {
        Task started = tasks.startRun(c, TaskState.PAUSED, campaigns.startCheck(c), by, reason, details,
                Filters.eq("winner.phase", phase), Updates.combine(Updates.set("winner.phase", Variants.WINNER),
                        Updates.set("winner.variant", variant), Updates.set("winner.decision", details)));
        if (started != null) {
            LOG.infof("campaign %d: %s", c.id, reason);
        }
        return started != null;
    }
}
