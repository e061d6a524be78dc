package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.audience.AudienceChunks;
import dev.push.channel.config.Channels;
import dev.push.channel.personalization.Personalization;
import dev.push.channel.personalization.Utm;
import dev.push.member.MemberId;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Creating campaigns, checking they may start, and reading their per-member outcomes. */
@ApplicationScoped
public class Campaigns {
    /** Chunks one page of deliveries may visit, so a sparse state filter answers promptly. */
    static final int MAX_CHUNKS_PER_PAGE = 256;

    @Inject
    Tasks tasks;

    @Inject
    Channels channels;

    @Inject
    CampaignChunks claims;

    @Inject
    AudienceChunks audienceChunks;

    @Inject
    Personalization personalization;

    public Task create(CampaignRequest req, String by) {
        Task audience = tasks.find(req.audienceId());
        if (audience == null || !audience.isAudience()) {
            throw ApiException.badRequest("audienceId", "audience " + req.audienceId() + " does not exist");
        }
        channels.get(req.channel());
        CampaignRequest.Message m = req.message();
        if (isBlank(m.title()) && isBlank(m.body())) {
            throw ApiException.badRequest("message", "needs a title or a body");
        }
        personalization.check(m.title(), m.body(), m.link());
        Task t = new Task();
        t.kind = Task.CAMPAIGN;
        t.name = req.name();
        t.audienceId = audience.id;
        t.channel = req.channel();
        Document message = new Document();
        putIfPresent(message, "title", m.title());
        putIfPresent(message, "body", m.body());
        putIfPresent(message, "link", m.link());
        if (m.data() != null) {
            message.append("data", new Document(m.data()));
        }
        if (m.utm() != null && !m.utm().isEmpty()) {
            for (String name : m.utm().keySet()) {
                if (!Utm.NAMES.contains(name)) {
                    throw ApiException.badRequest("message.utm." + name, "is not a UTM parameter (" + String.join(", ", Utm.NAMES) + ")");
                }
            }
            message.append("utm", new Document(new java.util.LinkedHashMap<String, Object>(m.utm())));
        }
        t.message = message;
        t.workers = req.workers() == null ? 4 : req.workers();
        t.qps = req.qps() == null ? 0 : req.qps();
        t.errorBudget = req.errorBudget() == null ? 100 : req.errorBudget();
        t.batchSize = req.batchSize() == null ? CampaignDelivery.DEFAULT_BATCH : req.batchSize();
        t.startAt = req.startAt() == null ? null : Date.from(req.startAt().toInstant());
        t.shards = audience.shards;
        t.units = audience.shards;
        return tasks.create(t, by);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static void putIfPresent(Document d, String key, String value) {
        if (value != null) {
            d.append(key, value);
        }
    }

    /** A campaign starts once its audience is built; answers the audience's size. */
    public long startCheck(Task campaign) {
        Task audience = tasks.find(campaign.audienceId);
        if (audience == null) {
            throw ApiException.conflict("audience " + campaign.audienceId + " of campaign " + campaign.id + " no longer exists");
        }
        if (audience.taskState() != TaskState.FINISHED || audience.layout == null) {
            throw ApiException.conflict("audience " + audience.id + " is " + audience.state
                    + ": it must be finished before campaign " + campaign.id + " starts");
        }
        if (audience.disabled) {
            throw ApiException.conflict("audience " + audience.id + " is disabled");
        }
        return audience.progress.sent;
    }

    public record DeliveryView(String memberId, String state, String reason, Boolean retryable) {
    }

    public record DeliveryPage(List<DeliveryView> items, String next) {
    }

    static final Set<String> STATES = Set.of("sent", "failed", "skipped", "unknown", "pending");

    /** Per-member outcomes in audience order, paged by an opaque cursor {@code shard.chunk.index}. */
    public DeliveryPage deliveries(long id, String state, String after, int limit) {
        Task c = tasks.get(Task.CAMPAIGN, id);
        if (state != null && !STATES.contains(state)) {
            throw ApiException.badRequest("state", "must be one of sent, failed, skipped, unknown, pending");
        }
        if (limit < 1 || limit > 10_000) {
            throw ApiException.badRequest("limit", "must be between 1 and 10000");
        }
        int s = 0;
        int k = 0;
        int i = 0;
        if (after != null && !after.isBlank()) {
            try {
                String[] parts = after.split("\\.");
                s = Integer.parseInt(parts[0]);
                k = Integer.parseInt(parts[1]);
                i = Integer.parseInt(parts[2]);
            } catch (RuntimeException e) {
                throw ApiException.badRequest("after", "is not a cursor this API gave");
            }
        }
        Task audience = tasks.find(c.audienceId);
        if (audience == null || audience.layout == null) {
            return new DeliveryPage(List.of(), null);
        }
        List<DeliveryView> out = new ArrayList<>();
        int visited = 0;
        while (s < audience.shards && out.size() < limit && visited < MAX_CHUNKS_PER_PAGE) {
            if (k >= audience.layout.get(s)) {
                s++;
                k = 0;
                i = 0;
                continue;
            }
            visited++;
            List<String> ids = audienceChunks.read(audience.id, s, k);
            ChunkOutcomes outcomes = new ChunkOutcomes(claims.find(id, s, k));
            while (i < ids.size() && out.size() < limit) {
                DeliveryView v = outcomes.of(i, ids.get(i));
                i++;
                if (state == null || state.equals(v.state())) {
                    out.add(v);
                }
            }
            if (i >= ids.size()) {
                k++;
                i = 0;
            }
        }
        return new DeliveryPage(out, s < audience.shards ? s + "." + k + "." + i : null);
    }

    /** One member's outcome in a campaign; 404 when the member is not in its audience. */
    public DeliveryView delivery(long id, String memberId) {
        String problem = (MemberId.isValid(memberId) ? null : "member id " + MemberId.RULE);
        if (problem != null) {
            throw ApiException.badRequest("memberId", problem);
        }
        Task c = tasks.get(Task.CAMPAIGN, id);
        Task audience = tasks.find(c.audienceId);
        if (audience != null && audience.layout != null) {
            int s = Shards.of(memberId, audience.shards);
            for (int k = 0; k < audience.layout.get(s); k++) {
                List<String> ids = audienceChunks.read(audience.id, s, k);
                int i = ids.indexOf(memberId);
                if (i >= 0) {
                    return new ChunkOutcomes(claims.find(id, s, k)).of(i, memberId);
                }
            }
        }
        throw ApiException.notFound("member", memberId + " in the audience of campaign " + id);
    }

    /** Reads the outcome of each position of one chunk record. */
    private static final class ChunkOutcomes {
        private final int committed;
        private final Map<String, Document> failed = new HashMap<>();
        private final Map<String, Document> skipped = new HashMap<>();
        private final Set<String> unknown = new HashSet<>();

        @SuppressWarnings("unchecked")
        ChunkOutcomes(Document record) {
            this.committed = record == null ? 0 : record.getInteger("committed", 0);
            if (record != null) {
                ((List<Document>) record.get("failed")).forEach(d -> failed.put(d.getString("m"), d));
                ((List<Document>) record.get("skipped")).forEach(d -> skipped.put(d.getString("m"), d));
                unknown.addAll((List<String>) record.get("unknown"));
            }
        }

        DeliveryView of(int position, String member) {
            if (position >= committed) {
                return new DeliveryView(member, "pending", null, null);
            }
            Document f = failed.get(member);
            if (f != null) {
                return new DeliveryView(member, "failed", f.getString("r"), f.getBoolean("x"));
            }
            Document sk = skipped.get(member);
            if (sk != null) {
                return new DeliveryView(member, "skipped", sk.getString("r"), null);
            }
            if (unknown.contains(member)) {
                return new DeliveryView(member, "unknown", "claimed by a worker that stopped before recording the outcome", null);
            }
            return new DeliveryView(member, "sent", null, null);
        }
    }
}
