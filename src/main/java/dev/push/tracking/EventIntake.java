package dev.push.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.push.api.ApiException;
import dev.push.audience.AudienceChunks;
import dev.push.member.MemberId;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The events app back ends and SDKs report ({@code POST /api/events}): each item names its campaign (or carries the
 * member's tracked-link token, which names campaign, member and variant), the member and the type; an item that
 * cannot be taken (unknown campaign, a member not in its audience, a bad field) is answered on its own and the rest
 * are recorded; a batch none of whose items can be taken is a 400 naming each item's problem. Only the first event per (campaign, member, type) counts, so a report sent again changes nothing.
 */
@ApplicationScoped
public class EventIntake {
    /** How far ahead of this instance's clock an event's {@code at} may be (devices' clocks drift). */
    static final long FUTURE_SLACK_MS = 300_000;

    @Inject
    TrackingSettings settings;

    @Inject
    TrackedLinks links;

    @Inject
    Tasks tasks;

    @Inject
    AudienceChunks audienceChunks;

    @Inject
    Engagements engagements;

    /** The answer for one item: {@code recorded}, {@code duplicate} (recorded before), or {@code rejected} with why. */
    public record ItemResult(int index, String status, String field, String reason) {
    }

    public record Answer(int recorded, int duplicates, int rejected, List<ItemResult> items) {
    }

    public Answer take(JsonNode body) {
        if (body == null || !body.isArray()) {
            throw ApiException.badRequest("events", "must be a JSON array of events");
        }
        if (body.size() > settings.eventsBatchLimit()) {
            throw ApiException.badRequest("events", "has " + body.size() + " events, more than "
                    + settings.eventsBatchLimit() + " (push.tracking.events-batch-limit)");
        }
        long now = System.currentTimeMillis();
        ItemResult[] results = new ItemResult[body.size()];
        List<Engagement> valid = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Audiences audiences = new Audiences();
        for (int i = 0; i < body.size(); i++) {
            try {
                valid.add(read(body.get(i), now, audiences));
                positions.add(i);
            } catch (ApiException e) {
                ApiException.FieldError error = e.errors.get(0);
                results[i] = new ItemResult(i, "rejected", "events[" + i + "]." + error.field(), error.message());
            }
        }
        if (valid.isEmpty() && body.size() > 0) {
            // Nothing to record: a problem naming each item, like any other refused request.
            List<ApiException.FieldError> errors = new ArrayList<>();
            for (ItemResult r : results) {
                errors.add(new ApiException.FieldError(r.field(), r.reason()));
            }
            throw new ApiException(400, "Bad request", errors.get(0).field() + ": " + errors.get(0).message(), errors);
        }
        boolean[] first = engagements.record(valid, List.of());
        int recorded = 0;
        for (int j = 0; j < valid.size(); j++) {
            results[positions.get(j)] = new ItemResult(positions.get(j), first[j] ? "recorded" : "duplicate", null, null);
            recorded += first[j] ? 1 : 0;
        }
        return new Answer(recorded, valid.size() - recorded, body.size() - valid.size(), List.of(results));
    }

    private Engagement read(JsonNode item, long now, Audiences audiences) {
        if (item == null || !item.isObject()) {
            throw ApiException.badRequest("", "must be an object {campaign or token, member, type, at?, value?}");
        }
        String type = text(item, "type");
        if (type == null || !Engagement.REPORTED.contains(type)) {
            throw ApiException.badRequest("type", Engagement.CLICKED.equals(type)
                    ? "clicked is counted by the tracked link itself, not reported"
                    : "must be one of " + String.join(", ", Engagement.REPORTED));
        }
        Long campaign = null;
        if (item.has("campaign")) {
            if (!item.get("campaign").canConvertToLong() || item.get("campaign").asLong() < 1) {
                throw ApiException.badRequest("campaign", "must be a campaign id");
            }
            campaign = item.get("campaign").asLong();
        }
        String member = text(item, "member");
        int variant = 0;
        if (item.has("token")) {
            LinkToken.Claim claim = links.read(text(item, "token"));
            if (claim == null) {
                throw ApiException.badRequest("token", "is not a tracked-link token of this service");
            }
            if (campaign != null && campaign != claim.campaign()) {
                throw ApiException.badRequest("token", "is from another campaign than " + campaign);
            }
            if (member != null && !member.equals(claim.member())) {
                throw ApiException.badRequest("token", "is another member's");
            }
            campaign = claim.campaign();
            member = claim.member();
            variant = claim.variant();
        }
        if (campaign == null) {
            throw ApiException.badRequest("campaign", "is required (or token)");
        }
        if (!MemberId.isValid(member)) {
            throw ApiException.badRequest("member", member == null ? "is required" : "member id " + MemberId.RULE);
        }
        long at = at(item, now);
        Double value = null;
        if (item.has("value") && !item.get("value").isNull()) {
            if (!item.get("value").isNumber() || !Double.isFinite(item.get("value").asDouble())) {
                throw ApiException.badRequest("value", "must be a number");
            }
            value = item.get("value").asDouble();
        }
        if (!audiences.has(campaign, member)) {
            throw ApiException.badRequest("member", member + " is not in the audience of campaign " + campaign);
        }
        if (!item.has("token")) {
            variant = audiences.variantOf(campaign, member);
        }
        return new Engagement(campaign, member, type, at, value, variant);
    }

    private static long at(JsonNode item, long now) {
        String text = text(item, "at");
        if (text == null) {
            return now;
        }
        long at;
        try {
            at = OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("at", "must be an ISO-8601 time with offset, e.g. 2026-05-01T10:00:00Z");
        }
        if (at > now + FUTURE_SLACK_MS) {
            throw ApiException.badRequest("at", "is in the future");
        }
        return at;
    }

    private static String text(JsonNode item, String field) {
        JsonNode n = item.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    /** The campaigns and audience shards one batch needs, each read once. */
    private final class Audiences {
        private final Map<Long, Task> audienceOf = new HashMap<>();
        private final Map<Long, Optional<VariantAssignment>> variants = new HashMap<>();
        private final Map<String, Set<String>> shards = new HashMap<>();

        /** The variant the member was sent (an event without a token names none): 0 for a single message. */
        int variantOf(long campaign, String member) {
            return variants.get(campaign).map(a -> a.sent(member)).orElse(0);
        }

        boolean has(long campaign, String member) {
            Task audience = audienceOf.computeIfAbsent(campaign, c -> {
                Task t = tasks.find(c);
                if (t == null || !Task.CAMPAIGN.equals(t.kind)) {
                    throw ApiException.badRequest("campaign", "campaign " + c + " does not exist");
                }
                variants.put(c, Optional.ofNullable(VariantAssignment.of(t)));
                Task a = tasks.find(t.audienceId);
                return a == null || a.layout == null ? new Task() : a;
            });
            if (audience.layout == null) {
                return false;
            }
            int s = Shards.of(member, audience.shards);
            return shards.computeIfAbsent(audience.id + "/" + s, k ->
                    new HashSet<>(audienceChunks.readShard(audience.id, s, audience.layout.get(s)))).contains(member);
        }
    }
}
