package dev.push.task;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.List;
import java.util.Map;

/** Assembles what the API shows of a task: live counters, rate, ETA and workers. */
@ApplicationScoped
public class TaskViews {
    @Inject
    Tasks tasks;

    @Inject
    RateMeter rates;

    @Inject
    RunningWorkers workers;

    public TaskView view(Task t) {
        long now = System.currentTimeMillis();
        Progress p = tasks.liveProgress(t);
        boolean running = t.taskState().running();
        Double observed = running ? rates.observed(t.id, now) : null;
        Long eta = null;
        if (running && observed != null && observed > 0 && p.total > 0) {
            eta = (long) Math.ceil(Math.max(0, p.total - p.processed) / observed);
        } else if (t.taskState() == TaskState.FINISHED) {
            eta = 0L;
        }
        boolean campaign = Task.CAMPAIGN.equals(t.kind);
        return new TaskView(t.id, t.name, t.kind, t.taskState(), t.stateReason, t.disabled, t.workers, t.qps,
                t.shards, p, new TaskView.Rate(t.qps, observed), eta, running ? workers.of(t) : List.of(),
                t.createdAt, t.startedAt, t.finishedAt, t.history, publicSource(t.source), t.audienceId, t.channel, t.category,
                t.message, campaign ? t.errorBudget : null, campaign ? t.batchSize : null, t.startAt, t.expiresAt, t.ttl, t.hints,
                campaign ? t.errorStreak : null, campaign ? t.lastErrors : null,
                TaskState.Command.allowed(t.taskState(), t.disabled), t.variants, t.winner, t.timing, null,
                t.critical ? Boolean.TRUE : null, t.devices);
    }

    /** The source without an inline id list, which can be large (its size is shown instead). */
    private static Map<String, Object> publicSource(Document source) {
        if (source == null) {
            return null;
        }
        Document d = new Document(source);
        Object ids = d.remove("ids");
        if (ids instanceof List<?> l) {
            d.append("idCount", l.size());
        }
        return d;
    }
}
