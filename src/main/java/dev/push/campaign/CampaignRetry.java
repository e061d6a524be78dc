package dev.push.campaign;

import dev.push.consent.Categories;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.task.Progress;
import dev.push.task.SizedUnits;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import dev.push.fatigue.FrequencyCaps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sends a campaign's failed (retryable ones only) or unknown members once more, with the same
 * idempotency keys as their first send, so a receiver that did get an unknown one can drop it.
 *
 * <p>Each chunk record is claimed for one retry action ({@code retry: {id, until}}) before its
 * members are read, so two retry actions never send a member twice, and one action visits each
 * chunk once. Each record is rewritten with its own counters in one update; the campaign's counters
 * are then set to the records' sums, so a retry that failed midway is put right by the next. The
 * campaign must be at rest (finished, stopped or failed): running workers own the counters.
 */
@ApplicationScoped
public class CampaignRetry {
    static final Set<TaskState> AT_REST = Set.of(TaskState.FINISHED, TaskState.STOPPED, TaskState.FAILED);
    static final Duration CLAIM = Duration.ofMinutes(10);
    static final Duration SEND_LIMIT = Duration.ofMinutes(5);

    @Inject
    java.time.Clock clock;

    @Inject
    Tasks tasks;

    @Inject
    TaskUnits units;

    @Inject
    CampaignChunks claims;

    @Inject
    Channels channels;

    @Inject
    Recipients recipients;

    @Inject
    FrequencyCaps caps;


    public record Result(String what, int retried, int sent, int failed, int skipped, int busyChunks) {
    }

    public Result retry(long campaignId, String what, String by) {
        if (!"failed".equals(what) && !"unknown".equals(what)) {
            throw ApiException.badRequest("what", "must be failed or unknown");
        }
        Task campaign = tasks.get(Task.CAMPAIGN, campaignId);
        if (!AT_REST.contains(campaign.taskState())) {
            throw ApiException.conflict("campaign " + campaignId + " is " + campaign.state
                    + ": retry when it is finished, stopped or failed");
        }
        if (Expiry.passed(campaign, clock.instant())) {
            throw ApiException.conflict("campaign " + campaignId + " expired at " + campaign.expiresAt.toInstant()
                    + ": its members are not sent late");
        }
        Task audience = tasks.find(campaign.audienceId);
        if (audience == null || audience.layout == null || campaign.run == 0) {
            return record(campaign, what, by, new Result(what, 0, 0, 0, 0, 0), List.of());
        }
        Channel channel = channels.get(campaign.channel);
        String retryId = UUID.randomUUID().toString();
        int[] totals = new int[5];
        List<Document> keys = CampaignChunks.keys(campaignId, audience);
        for (int from = 0; from < keys.size(); from += CampaignChunks.KEY_SLICE) {
            for (Document record : claims.findAll(keys.subList(from, Math.min(keys.size(), from + CampaignChunks.KEY_SLICE)))) {
                if (record == null || candidates(record, what).isEmpty()) {
                    continue;
                }
                Document claimed = claim(record, retryId);
                if (claimed == null) {
                    totals[4]++;
                    continue;
                }
                retryChunk(campaign, channel, claimed, what, retryId, totals);
            }
        }
        return record(campaign, what, by, new Result(what, totals[0], totals[1], totals[2], totals[3], totals[4]), keys);
    }

    @SuppressWarnings("unchecked")
    private static List<String> candidates(Document record, String what) {
        List<String> out = new ArrayList<>();
        if ("unknown".equals(what)) {
            out.addAll((List<String>) record.get("unknown"));
        } else {
            for (Document f : (List<Document>) record.get("failed")) {
                if (Boolean.TRUE.equals(f.getBoolean("x"))) {
                    out.add(f.getString("m"));
                }
            }
        }
        return out;
    }

    private Document claim(Document record, String retryId) {
        Date now = new Date();
        Bson free = Filters.or(Filters.eq("retry", null), Filters.lt("retry.until", now));
        return claims.coll().findOneAndUpdate(Filters.and(Filters.eq("_id", record.get("_id")), free),
                Updates.set("retry", new Document("id", retryId).append("until", new Date(now.getTime() + CLAIM.toMillis()))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    /** Sends one chunk's candidates and rewrites its record and the record's counters, in one update. */
    @SuppressWarnings("unchecked")
    private void retryChunk(Task campaign, Channel channel, Document record, String what, String retryId, int[] totals) {
        List<String> members = candidates(record, what);
        int batch = campaign.batchSize > 0 ? campaign.batchSize : CampaignDelivery.DEFAULT_BATCH;
        List<Outcome> outcomes = new ArrayList<>(members.size());
        VariantAssignment variants = VariantAssignment.of(campaign);
        for (int from = 0; from < members.size(); from += batch) {
            List<String> ids = members.subList(from, Math.min(members.size(), from + batch));
            List<Outcome> skipped = new ArrayList<>();
            FrequencyCaps.Kept kept = caps.keep(recipients.of(ids, channel,
                    Categories.ofCampaign(campaign.category), DeviceChoices.of(campaign), skipped), campaign.channel,
                    Categories.ofCampaign(campaign.category), campaign.critical, skipped);
            outcomes.addAll(skipped);
            List<Outcome> sent = BatchSend.send(channel, campaign, variants, kept.to(), false, clock.instant()).await().atMost(SEND_LIMIT);
            caps.giveBack(kept, sent);
            outcomes.addAll(sent);
        }
        Map<String, Integer> sentByVariant = new HashMap<>();
        Set<String> retried = new HashSet<>(members);
        List<Document> failed = new ArrayList<>();
        for (Document f : (List<Document>) record.get("failed")) {
            if (!retried.contains(f.getString("m"))) {
                failed.add(f);
            }
        }
        List<Document> skipped = new ArrayList<>((List<Document>) record.get("skipped"));
        List<String> unknown = new ArrayList<>((List<String>) record.get("unknown"));
        unknown.removeAll(retried);
        int sent = 0;
        int nowFailed = 0;
        int nowSkipped = 0;
        for (Outcome o : outcomes) {
            switch (o.status()) {
                case SENT -> {
                    sent++;
                    if (variants != null) {
                        sentByVariant.merge(CampaignChunks.sentOf(variants.sent(o.memberId())), 1, Integer::sum);
                    }
                }
                case FAILED -> {
                    nowFailed++;
                    failed.add(new Document("m", o.memberId()).append("r", o.reason()).append("x", o.retryable()));
                }
                case SKIPPED -> {
                    nowSkipped++;
                    skipped.add(new Document("m", o.memberId()).append("r", o.reason()));
                }
            }
        }
        int n = members.size();
        Document delta = new Document("sent", sent)
                .append("failed", nowFailed - ("failed".equals(what) ? n : 0))
                .append("skipped", nowSkipped)
                .append("unknown", "unknown".equals(what) ? -n : 0);
        List<Bson> changes = new ArrayList<>(List.of(Updates.set("failed", failed), Updates.set("skipped", skipped),
                Updates.set("unknown", unknown), Updates.inc("nSent", sent), Updates.inc("nFailed", delta.getInteger("failed")),
                Updates.inc("nSkipped", nowSkipped), Updates.inc("nUnknown", delta.getInteger("unknown")),
                Updates.unset("retry")));
        sentByVariant.forEach((field, count) -> changes.add(Updates.inc(field, count)));
        claims.coll().updateOne(Filters.and(Filters.eq("_id", record.get("_id")), Filters.eq("retry.id", retryId)),
                Updates.combine(changes));
        totals[0] += n;
        totals[1] += sent;
        totals[2] += nowFailed;
        totals[3] += nowSkipped;
    }

    /**
     * Sets the campaign's counters where they live (the task once finished, else its units of the
     * last run, unit by unit) to the sums of its chunk records, and appends the retry to the
     * history. Sums, not increments: the records are rewritten one by one, and a retry that failed
     * midway left counters behind its records; the next retry sets them right.
     */
    private Result record(Task campaign, String what, String by, Result result, List<Document> keys) {
        Map<Integer, Progress> byUnit = new HashMap<>();
        for (int from = 0; from < keys.size(); from += CampaignChunks.KEY_SLICE) {
            for (Document record : claims.findAll(keys.subList(from, Math.min(keys.size(), from + CampaignChunks.KEY_SLICE)))) {
                if (record != null) {
                    int shard = ((Document) record.get("_id")).getInteger("s");
                    byUnit.computeIfAbsent(SizedUnits.unitOf(shard, campaign.units, campaign.shards), u -> new Progress())
                            .add(CampaignChunks.counts(record));
                }
            }
        }
        List<Bson> updates = new ArrayList<>();
        if (keys.isEmpty()) {
            // Nothing was delivered: no records to count.
        } else if (campaign.taskState() == TaskState.FINISHED) {
            Progress total = new Progress();
            byUnit.values().forEach(total::add);
            updates.addAll(counterSets("progress.", total));
        } else {
            byUnit.forEach((unit, p) -> units.recount(campaign.id, campaign.run, unit, p));
        }
        String reason = "retry " + what + ": " + result.retried() + " members, " + result.sent() + " sent, "
                + result.failed() + " failed, " + result.skipped() + " skipped"
                + (result.busyChunks() > 0 ? ", " + result.busyChunks() + " chunks left to a concurrent retry" : "");
        tasks.amend(campaign, Updates.combine(updates), by, reason);
        return result;
    }

    private static List<Bson> counterSets(String prefix, Progress p) {
        return List.of(Updates.set(prefix + "processed", p.processed), Updates.set(prefix + "sent", p.sent),
                Updates.set(prefix + "failed", p.failed), Updates.set(prefix + "skipped", p.skipped),
                Updates.set(prefix + "unknown", p.unknown));
    }
}
