package dev.push.task;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Date;
import java.util.List;
import java.util.Map;

/** A task as the API and the console show it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(long id, String name, String kind, TaskState state, String stateReason, boolean disabled,
                       int workers, int qps, int shards, Progress progress, Rate rate, Long eta,
                       List<LiveWorker> liveWorkers, Date createdAt, Date startedAt, Date finishedAt,
                       List<Transition> history, Map<String, Object> source, Long audienceId, String channel, String category,
                       Map<String, Object> message, Integer errorBudget, Integer batchSize, Date startAt, Date expiresAt,
                       String ttl, Map<String, Object> hints,
                       Long errorStreak, List<String> lastErrors, List<String> commands,
                       List<? extends Map<String, Object>> variants, Map<String, Object> winner, Map<String, Object> timing,
                       Object funnel,
                       Boolean critical, Map<String, Object> devices) {

    /** This view with a campaign's funnel (added by the campaign feature, which reads it). */
    public TaskView withFunnel(Object funnel) {
        return new TaskView(id, name, kind, state, stateReason, disabled, workers, qps, shards, progress, rate, eta,
                liveWorkers, createdAt, startedAt, finishedAt, history, source, audienceId, channel, category, message,
                errorBudget, batchSize, startAt, expiresAt, ttl, hints, errorStreak, lastErrors, commands, variants, winner, timing, funnel,
                critical, devices);
    }

    public record Rate(int configured, Double observed) {
    }

    /** A worker slot's holder; {@code heartbeatAgeMs} and {@code live} as the answering instance judges them. */
    public record LiveWorker(String id, String instance, int slot, long heartbeatAgeMs, boolean live) {
    }
}
