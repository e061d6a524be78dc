package dev.push.send;

import dev.push.consent.Categories;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.api.ApiException;
import dev.push.campaign.Campaigns;
import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.channel.config.Channels;
import dev.push.engine.WorkerThreads;
import dev.push.fatigue.FrequencyCaps;
import dev.push.member.MemberId;
import dev.push.template.Templates;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A send an app triggers ({@code POST /api/sends}): checked, reserved under its {@code Idempotency-Key} (see
 * {@link Sends}), handed to its channel on the caller's request thread — never queued behind campaign workers, which
 * yield the CPU meanwhile ({@link WorkerThreads#makeWay}) — and
 * committed with each member's outcome. A request whose key has a send already sends nothing and answers that send;
 * with another body it is refused (422), since the key would then answer a different message than the caller asked.
 */
@ApplicationScoped
public class TriggeredSend {
    static final int MAX_MEMBERS = 1000;
    static final String KEY_HEADER = "Idempotency-Key";
    static final Pattern KEY_SHAPE = Pattern.compile("[\\x21-\\x7e]{1,200}");
    static final String DEFAULT_CATEGORY = "account";
    /** How long a channel may take with one send; a send reserved for longer than this was cut off by a crash. */
    static final Duration LIMIT = Duration.ofMinutes(2);

    @Inject
    Sends sends;

    @Inject
    Channels channels;

    @Inject
    Recipients recipients;

    @Inject
    Campaigns campaigns;

    @Inject
    FrequencyCaps caps;

    @Inject
    Categories categories;

    @Inject
    SendIds ids;

    @Inject
    Templates templates;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    HandoffLatency latency;

    @Inject
    WorkerThreads workers;

    /**
     * Sends the request once for {@code caller}'s {@code idempotencyKey}; answers the send as it stands. The handoff is
     * timed from {@code arrivedNanos} ({@link HandoffLatency}), when given.
     */
    public SendView send(String caller, String idempotencyKey, SendRequest request, Long arrivedNanos) {
        workers.makeWay();
        if (idempotencyKey == null || !KEY_SHAPE.matcher(idempotencyKey).matches()) {
            throw ApiException.badRequest(KEY_HEADER, idempotencyKey == null
                    ? "is required: the same key within push.retention.sends (24 hours by default) answers the first send"
                    + " and sends nothing again"
                    : "must be 1 to 200 visible ASCII characters");
        }
        if (request == null) {
            throw ApiException.badRequest("body", "must be a send {members, channel, message, category?}");
        }
        List<String> members = members(request.members());
        if (request.channel() == null || request.channel().isBlank()) {
            throw ApiException.badRequest("channel", "is required");
        }
        Channel channel = channels.get(request.channel());
        Document message = message(request);
        message.remove("tracking");
        String category = request.category() == null ? DEFAULT_CATEGORY : categories.check("category", request.category());
        String fingerprint = fingerprint(request);
        Date now = Date.from(clock.instant());
        Document send = new Document("_id", Sends.keyOf(caller, idempotencyKey))
                .append("id", ids.next())
                .append("fingerprint", fingerprint)
                .append("by", caller)
                .append("channel", channel.name())
                .append("category", category)
                .append("message", message)
                .append("members", members)
                .append("state", Sends.RESERVED)
                .append("at", now);
        Document first = sends.reserve(send);
        if (first != null) {
            if (!fingerprint.equals(first.getString("fingerprint"))) {
                throw new ApiException(422, "Idempotency-Key reused", KEY_HEADER + " was given to another request",
                        List.of(new ApiException.FieldError(KEY_HEADER, "was used for a send with another body; a key "
                                + "names one request: use a new key for a new send")));
            }
            return SendView.of(first, clock.instant(), LIMIT);
        }
        List<Outcome> outcomes = deliver(send.getLong("id"), channel, category, message, members, arrivedNanos);
        sends.commit(send.get("_id"), outcomes);
        send.put("state", Sends.DONE);
        send.put("outcomes", Sends.outcomeDocuments(outcomes));
        return SendView.of(send, clock.instant(), LIMIT);
    }

    /** The message inline, or a copy of the saved template the request names. */
    private Document message(SendRequest request) {
        if (request.template() != null) {
            if (request.message() != null) {
                throw ApiException.badRequest("template", "give a message or a template, not both");
            }
            return campaigns.message(templates.named("template", request.template()));
        }
        if (request.message() == null) {
            throw ApiException.badRequest("message", "is required, or the name of a saved template in template");
        }
        if (Boolean.TRUE.equals(request.message().tracking())) {
            throw ApiException.badRequest("message.tracking", "a triggered send's links go as given: tracked links count campaigns");
        }
        return campaigns.message(request.message());
    }

    /** The send with this id. */
    public SendView get(long id) {
        Document send = sends.find(id);
        if (send == null) {
            throw ApiException.notFound("send", id);
        }
        return SendView.of(send, clock.instant(), LIMIT);
    }

    private List<Outcome> deliver(long id, Channel channel, String category, Document message, List<String> members,
                                  Long arrivedNanos) {
        List<Outcome> outcomes = new ArrayList<>(members.size());
        FrequencyCaps.Kept kept = caps.keep(recipients.of(members, channel, category, outcomes), channel.name(), category,
                false, outcomes);
        if (!kept.to().isEmpty()) {
            List<Outcome> sent = channel.sendAndWait(new Delivery(id, channel.name(), message, kept.to(), false, category), LIMIT);
            latency.handedOff(arrivedNanos);
            caps.giveBack(kept, sent);
            outcomes.addAll(sent);
        }
        return outcomes;
    }

    private static List<String> members(List<String> members) {
        if (members == null || members.isEmpty()) {
            throw ApiException.badRequest("members", "give 1 to " + MAX_MEMBERS + " member ids");
        }
        if (members.size() > MAX_MEMBERS) {
            throw ApiException.badRequest("members", "has " + members.size() + " member ids, more than " + MAX_MEMBERS
                    + ": send more as a campaign");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            String m = members.get(i);
            if (!MemberId.isValid(m)) {
                throw ApiException.badRequest("members[" + i + "]", "member id " + MemberId.RULE);
            }
            if (!seen.add(m)) {
                throw ApiException.badRequest("members[" + i + "]", "'" + m + "' is given twice");
            }
        }
        return members;
    }

    /** The request's digest: a key given again with another body is refused. */
    String fingerprint(SendRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(request));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
