package dev.push.campaign;

import dev.push.consent.Categories;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.push.api.ApiException;
import dev.push.audience.AudienceChunks;
import dev.push.channel.config.Channels;
import dev.push.channel.personalization.MessageRefused;
import dev.push.channel.personalization.Personalization;
import dev.push.channel.personalization.Utm;
import dev.push.member.MemberId;
import dev.push.member.MemberStore;
import dev.push.template.SavedTemplate;
import dev.push.template.Templates;
import dev.push.tracking.Engagement;
import dev.push.tracking.Engagements;
import dev.push.tracking.Funnels;
import dev.push.task.SizedUnits;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import dev.push.variant.Variants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.time.Instant;
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
    Categories categories;

    @Inject
    java.time.Clock clock;

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

    @Inject
    Engagements engagements;

    @Inject
    MemberStore members;

    @Inject
    Templates templates;

    @Inject
    dev.push.time.TimingConfig timing;

    public Task create(CampaignRequest req, String by) {
        Task audience = tasks.find(req.audienceId());
        if (audience == null || !audience.isAudience()) {
            throw ApiException.badRequest("audienceId", "audience " + req.audienceId() + " does not exist");
        }
        channels.get(req.channel());
        List<String> names = VariantRules.names(req.variants(), req.winner());
        Task t = new Task();
        t.kind = Task.CAMPAIGN;
        t.name = req.name();
        t.audienceId = audience.id;
        t.channel = req.channel();
        t.category = req.category() == null ? Categories.CAMPAIGN_DEFAULT : categories.check("category", req.category());
        if (req.template() != null) {
            if (req.message() != null) {
                throw ApiException.badRequest("template", "give a message or a template, not both");
            }
            if (names != null) {
                throw ApiException.badRequest("template", "an A/B campaign gives its messages inline, not from a template");
            }
            t.message = message(templates.named("template", req.template()));
            return finish(t, req, audience, by);
        }
        if (req.message() == null) {
            throw ApiException.badRequest("message", "is required, or the name of a saved template in template");
        }
        CampaignRequest.Message m = req.message();
        checkUtm(m);
        t.message = message("message", m.title(), m.body(), m.link(), m.data(), m, names == null);
        if (names != null) {
            t.variants = new ArrayList<>();
            boolean everyLinkTracked = true;
            for (int i = 0; i < names.size(); i++) {
                CampaignRequest.Variant v = req.variants().get(i);
                Document message = message("variants[" + i + "]", or(v.title(), m.title()), or(v.body(), m.body()),
                        or(v.link(), m.link()), v.data() != null ? v.data() : m.data(), m, true).append("variant", i + 1);
                everyLinkTracked &= Personalization.tracked(message);
                t.variants.add(new Document("name", names.get(i)).append("split", v.split()).append("message", message));
            }
            t.winner = VariantRules.winner(req.winner(), names, everyLinkTracked);
        }
        return finish(t, req, audience, by);
    }

    private Task finish(Task t, CampaignRequest req, Task audience, String by) {
        t.workers = req.workers() == null ? 4 : req.workers();
        t.qps = req.qps() == null ? 0 : req.qps();
        t.errorBudget = req.errorBudget() == null ? 100 : req.errorBudget();
        t.batchSize = req.batchSize() == null ? CampaignDelivery.DEFAULT_BATCH : req.batchSize();
        t.startAt = req.startAt() == null ? null : Date.from(req.startAt().toInstant());
        t.expiresAt = Expiry.expiresAt(req.expiresAt(), req.startAt(), clock.instant());
        t.ttl = Expiry.ttl(req.ttl(), req.expiresAt());
        t.hints = ProviderHints.of(req.collapseKey(), req.priority());
        t.critical = Boolean.TRUE.equals(req.critical());
        t.timing = DeliveryTiming.stored(req.timing(), timing, clock.instant(), t.variants != null, t.critical);
        t.devices = DeviceChoices.of(req.devices());
        t.shards = audience.shards;
        t.units = audience.shards;
        return tasks.create(t, by);
    }

    /**
     * The campaign that runs one occurrence of {@code series}, a recurring campaign, made once under {@code id} (taken
     * when the occurrence was decided): over {@code audienceId} (the series' audience, or one rebuilt from its query),
     * the same channel, message(s) and settings, its own claims and counters; it skips the members that the campaigns
     * {@code skipReached} (earlier runs over the same audience) reached. Its {@code timing} is the series', at the
     * occurrence's {@code day} for a local-time series ({@link DeliveryTiming#ofOccurrence}). Every caller making the
     * run of one occurrence gets the one campaign.
     */
    public Task occurrence(long id, Task series, long audienceId, String name, String by, List<Long> skipReached,
                           java.time.LocalDate day) {
        Task t = new Task();
        t.kind = Task.CAMPAIGN;
        t.name = name;
        t.audienceId = audienceId;
        t.channel = series.channel;
        t.category = series.category;
        t.hints = series.hints;
        t.devices = series.devices;
        // A TTL counts from each run's own first start; a fixed expiry is the operator's for every run.
        t.ttl = series.ttl;
        t.expiresAt = series.ttl == null ? series.expiresAt : null;
        t.message = series.message;
        t.variants = series.variants;
        t.winner = series.winner;
        t.workers = series.workers;
        t.qps = series.qps;
        t.errorBudget = series.errorBudget;
        t.batchSize = series.batchSize;
        t.shards = series.shards;
        t.units = series.units;
        t.skipReached = skipReached.isEmpty() ? null : skipReached;
        t.critical = series.critical;
        t.timing = DeliveryTiming.ofOccurrence(series.timing, day);
        return tasks.createOnce(t, id, by) ? t : tasks.find(id);
    }

    /**
     * The stored form of a single message sent outside a campaign (a triggered send's), checked like a campaign's:
     * a title or a body, templates that parse within bounds, UTM names known, tracking stored only when on.
     */
    public Document message(CampaignRequest.Message m) {
        checkUtm(m);
        return message("message", m.title(), m.body(), m.link(), m.data(), m, true);
    }

    /**
     * The stored form of a saved template's message as it is now: a copy, so that a later change or deletion of the
     * template changes nothing that was made from it. Its locale variants go along ({@link Personalization#LOCALES}),
     * and {@code template} names the template and version copied. A link is tracked, as in an inline message.
     */
    public Document message(SavedTemplate saved) {
        CampaignRequest.Message m = new CampaignRequest.Message(saved.title(), saved.body(), saved.link(), saved.data(), null, null);
        Document message = message("template", m.title(), m.body(), m.link(), m.data(), m, true);
        if (!saved.locales().isEmpty()) {
            message.append(Personalization.LOCALES, saved.localesDocument());
        }
        return message.append("template", new Document("name", saved.name()).append("version", saved.version()));
    }

    private static void checkUtm(CampaignRequest.Message m) {
        if (m.utm() != null) {
            for (String name : m.utm().keySet()) {
                if (!Utm.NAMES.contains(name)) {
                    throw ApiException.badRequest("message.utm." + name, "is not a UTM parameter (" + String.join(", ", Utm.NAMES) + ")");
                }
            }
        }
    }

    /**
     * A message as stored, checked as the request has it at {@code at} ({@code message}, {@code variants[1]}):
     * title, body and link templates, data, and the message's UTM parameters and tracking. Only a message that is
     * sent ({@code sent}) needs a title or a body, and a link to track: an A/B campaign's may leave them to its variants.
     */
    private Document message(String at, String title, String body, String link, Map<String, Object> data,
                             CampaignRequest.Message m, boolean sent) {
        if (sent && isBlank(title) && isBlank(body)) {
            throw ApiException.badRequest(at, "needs a title or a body");
        }
        personalization.check(at, title, body, link);
        Document message = new Document();
        putIfPresent(message, "title", title);
        putIfPresent(message, "body", body);
        putIfPresent(message, "link", link);
        if (data != null) {
            message.append("data", new Document(data));
        }
        if (m.utm() != null && !m.utm().isEmpty()) {
            message.append("utm", new Document(new java.util.LinkedHashMap<String, Object>(m.utm())));
        }
        if (sent && Boolean.TRUE.equals(m.tracking()) && isBlank(link)) {
            throw at.equals("message") ? ApiException.badRequest("message.tracking", "needs message.link: only a link can be tracked")
                    : ApiException.badRequest(at + ".link", "is required: message.tracking is on");
        }
        if (!isBlank(link) && !Boolean.FALSE.equals(m.tracking())) {
            // Stored only when on: a message without it (made before tracking, or by op) sends its link as given.
            message.append("tracking", true);
        }
        return message;
    }

    private static String or(String given, String otherwise) {
        return given != null ? given : otherwise;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static void putIfPresent(Document d, String key, String value) {
        if (value != null) {
            d.append(key, value);
        }
    }

    /** Refuses to resume a campaign past its expiry ({@link Expiry}): it can only be stopped. */
    public void checkResumable(long id) {
        Task c = tasks.get(Task.CAMPAIGN, id);
        if (Expiry.passed(c, clock.instant())) {
            throw ApiException.conflict("campaign " + id + " expired at " + c.expiresAt.toInstant()
                    + "; a campaign past its expiry can only be stopped");
        }
    }

    /** Members sent each variant of an A/B campaign, from its delivery records; null for a single message. */
    public List<Funnels.VariantSent> variantsSent(Task c) {
        if (c.variants == null) {
            return null;
        }
        long[] sent = claims.sentPerVariant(c.id, tasks.find(c.audienceId), c.variants.size());
        List<Funnels.VariantSent> out = new ArrayList<>();
        for (int v = 1; v <= c.variants.size(); v++) {
            out.add(new Funnels.VariantSent(v, Variants.name(c, v), sent[v], v == Variants.winner(c)));
        }
        return out;
    }

    /** A campaign starts once its audience is built; answers the audience's size, and sizes the run's units to it. */
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
        campaign.units = SizedUnits.count(audience.progress.sent, SizedUnits.CAMPAIGN_MEMBERS, campaign.workers, audience.shards);
        return audience.progress.sent;
    }

    /**
     * One member's outcome, with the first event of each type the member has in the campaign (null when none), and,
     * for one member asked for by id, the exact link the member was (or would be) sent; for an A/B campaign the
     * name of the member's variant (none for the holdout before the winner is decided).
     */
    /** One device's outcome in a member's delivery: {@code state} sent, failed or skipped. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceDelivery(String device, String state, String reason) {
    }

    public record DeliveryView(String memberId, String state, String reason, Boolean retryable,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String variant,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Date deliveredAt,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Date openedAt,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Date clickedAt,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Date convertedAt,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Double value,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String link,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DeviceDelivery> devices,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Date releaseAt) {
        DeliveryView(String memberId, String state, String reason, Boolean retryable) {
            this(memberId, state, reason, retryable, null, null, null, null, null, null, null, List.of(), null);
        }

        /** A member held for a later wave of a timed campaign, released at {@code at}. */
        static DeliveryView held(String memberId, Instant at, String zone) {
            return new DeliveryView(memberId, HELD, "held until " + HeldWaves.localTime(at, zone) + " " + zone, null,
                    null, null, null, null, null, null, null, List.of(), Date.from(at));
        }

        DeliveryView withDevices(List<DeviceDelivery> each) {
            return new DeliveryView(memberId, state, reason, retryable, variant, deliveredAt, openedAt, clickedAt,
                    convertedAt, value, link, each == null ? List.of() : each, releaseAt);
        }

        DeliveryView withEvents(Map<String, Document> events) {
            if (events == null || events.isEmpty()) {
                return this;
            }
            Document converted = events.get(Engagement.CONVERTED);
            return new DeliveryView(memberId, state, reason, retryable, variant, at(events, Engagement.DELIVERED),
                    at(events, Engagement.OPENED), at(events, Engagement.CLICKED), at(events, Engagement.CONVERTED),
                    converted == null || !(converted.get("value") instanceof Number n) ? null : n.doubleValue(), link, devices, releaseAt);
        }

        DeliveryView withLink(String sent) {
            return new DeliveryView(memberId, state, reason, retryable, variant, deliveredAt, openedAt, clickedAt,
                    convertedAt, value, sent, devices, releaseAt);
        }

        DeliveryView withVariant(String name) {
            return new DeliveryView(memberId, state, reason, retryable, name, deliveredAt, openedAt, clickedAt,
                    convertedAt, value, link, devices, releaseAt);
        }

        /** Whether the member has the event ({@code clicked} …). */
        boolean has(String event) {
            return switch (event) {
                case Engagement.DELIVERED -> deliveredAt != null;
                case Engagement.OPENED -> openedAt != null;
                case Engagement.CLICKED -> clickedAt != null;
                default -> convertedAt != null;
            };
        }

        private static Date at(Map<String, Document> events, String type) {
            Document d = events.get(type);
            return d == null ? null : d.getDate("at");
        }
    }

    public record DeliveryPage(List<DeliveryView> items, String next) {
    }

    /** The state of a member a timed campaign holds for a later wave (its local time, or the end of its quiet hours). */
    static final String HELD = "held";
    static final Set<String> STATES = Set.of("sent", "failed", "skipped", "unknown", "expired", HELD, "pending");

    /** Which deliveries to list: a state, an event the member must have ({@code with}) or must not have ({@code without}). */
    public record DeliveryFilter(String state, String with, String without) {
        public DeliveryFilter {
            if (state != null && !STATES.contains(state)) {
                throw ApiException.badRequest("state", "must be one of sent, failed, skipped, unknown, expired, held, pending");
            }
            for (String[] e : new String[][]{{"with", with}, {"without", without}}) {
                if (e[1] != null && !Engagement.TYPES.contains(e[1])) {
                    throw ApiException.badRequest(e[0], "must be one of " + String.join(", ", Engagement.TYPES));
                }
            }
        }

        boolean accepts(DeliveryView v) {
            return (state == null || state.equals(v.state())) && (with == null || v.has(with))
                    && (without == null || !v.has(without));
        }
    }

    /** Per-member outcomes in audience order, paged by an opaque cursor {@code shard.chunk.index}. */
    public DeliveryPage deliveries(long id, DeliveryFilter filter, String after, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ApiException.badRequest("limit", "must be between 1 and 10000");
        }
        int[] from = {0, 0, 0};
        if (after != null && !after.isBlank()) {
            try {
                String[] parts = after.split("\\.");
                from = new int[]{Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
            } catch (RuntimeException e) {
                throw ApiException.badRequest("after", "is not a cursor this API gave");
            }
        }
        List<DeliveryView> out = new ArrayList<>();
        String next = walk(id, filter, from, limit, MAX_CHUNKS_PER_PAGE, out::add);
        return new DeliveryPage(out, next);
    }

    /** Every delivery the filter accepts, in audience order, chunk by chunk (for an export of any size). */
    public void everyDelivery(long id, DeliveryFilter filter, java.util.function.Consumer<DeliveryView> sink) {
        walk(id, filter, new int[]{0, 0, 0}, Integer.MAX_VALUE, Integer.MAX_VALUE, sink);
    }

    /** Walks from position {@code from} (shard, chunk, index); answers the cursor after the last visited, or null at the end. */
    private String walk(long id, DeliveryFilter filter, int[] from, int limit, int maxChunks,
                        java.util.function.Consumer<DeliveryView> sink) {
        Task c = tasks.get(Task.CAMPAIGN, id);
        Task audience = tasks.find(c.audienceId);
        if (audience == null || audience.layout == null) {
            return null;
        }
        int s = from[0];
        int k = from[1];
        int i = from[2];
        // Events are looked up only for campaigns that have any (one key-range read).
        boolean events = !engagements.hours(id).isEmpty();
        if (filter.with() != null && !events) {
            return null;
        }
        VariantAssignment variants = VariantAssignment.of(c);
        int found = 0;
        int visited = 0;
        while (s < audience.shards && found < limit && visited < maxChunks) {
            if (k >= audience.layout.get(s)) {
                s++;
                k = 0;
                i = 0;
                continue;
            }
            visited++;
            List<String> ids = audienceChunks.read(audience.id, s, k);
            ChunkOutcomes outcomes = new ChunkOutcomes(claims.find(id, s, k), variants, ids, clock.instant());
            Map<String, Map<String, Document>> memberEvents = events
                    ? engagements.of(id, ids.subList(Math.min(i, ids.size()), ids.size()), Engagement.TYPES) : Map.of();
            while (i < ids.size() && found < limit) {
                DeliveryView v = outcomes.of(i, ids.get(i)).withEvents(memberEvents.get(ids.get(i)))
                        .withVariant(variantName(c, variants, ids.get(i)));
                i++;
                if (filter.accepts(v)) {
                    sink.accept(v);
                    found++;
                }
            }
            if (i >= ids.size()) {
                k++;
                i = 0;
            }
        }
        return s < audience.shards ? s + "." + k + "." + i : null;
    }

    /** One member's outcome in a campaign; 404 when the member is not in its audience. */
    public DeliveryView delivery(long id, String memberId) {
        String problem = (MemberId.isValid(memberId) ? null : "member id " + MemberId.RULE);
        if (problem != null) {
            throw ApiException.badRequest("memberId", problem);
        }
        Task c = tasks.get(Task.CAMPAIGN, id);
        Task audience = tasks.find(c.audienceId);
        AudienceChunks.Position at = audience == null || audience.layout == null ? null
                : audienceChunks.locate(audience.id, audience.shards, audience.layout, memberId);
        if (at != null) {
            VariantAssignment variants = VariantAssignment.of(c);
            List<String> chunk = variants == null ? null : audienceChunks.read(audience.id, at.shard(), at.chunk());
            DeliveryView v = new ChunkOutcomes(claims.find(id, at.shard(), at.chunk()), variants, chunk, clock.instant())
                    .of(at.index(), memberId)
                    .withEvents(engagements.of(id, List.of(memberId), Engagement.TYPES).get(memberId))
                    .withVariant(variantName(c, variants, memberId));
            return v.withLink(sentLink(c, memberId));
        }
        throw ApiException.notFound("member", memberId + " in the audience of campaign " + id);
    }

    /** The link the member was (or would be) sent: the tracked link when tracking is on; null when there is none. */
    private String sentLink(Task campaign, String memberId) {
        Document message = messageOf(campaign, memberId);
        if (message == null || message.getString("link") == null) {
            return null;
        }
        Map<String, Object> attributes = members.find(memberId).map(m -> m.attributes()).orElse(Map.of());
        try {
            return personalization.template(campaign.id, message).render(memberId, attributes).link();
        } catch (MessageRefused e) {
            return null;
        }
    }

    /** The name of the variant the member is (or would be) sent; null for a single message or an undecided holdout. */
    private static String variantName(Task campaign, VariantAssignment variants, String memberId) {
        int v = variants == null ? 0 : variants.sent(memberId);
        return v == 0 ? null : Variants.name(campaign, v);
    }

    /**
     * The message the member is (or would be) sent: the campaign's, or the member's A/B variant's (the campaign's
     * own message for a member of the holdout before the winner is decided).
     */
    public static Document messageOf(Task campaign, String memberId) {
        VariantAssignment variants = VariantAssignment.of(campaign);
        return variants == null ? campaign.message : Variants.message(campaign, variants.sent(memberId));
    }

    /**
     * Reads the outcome of each member of one chunk record. A member is pending while the record's {@code committed}
     * has not passed its position in delivery order: its audience position, or for an A/B campaign its position in
     * the chunk arranged test split first ({@link VariantAssignment#arrange}); held instead, with its release time,
     * while the wave of a timed chunk ({@link TimedChunk}) it is in has not come.
     */
    private static final class ChunkOutcomes {
        private final Map<String, Integer> positions;
        private final int committed;
        private final TimedChunk timed;
        private final Instant now;
        private final Map<String, Document> failed = new HashMap<>();
        private final Map<String, Document> skipped = new HashMap<>();
        private final Set<String> unknown = new HashSet<>();
        private final Map<String, List<DeviceDelivery>> devices = new HashMap<>();
        /** Ranges [from, to] of positions in delivery order counted expired. */
        private final List<List<Integer>> expired = new ArrayList<>();

        /** {@code chunk}: the chunk's members in audience order, needed for an A/B campaign ({@code variants}). */
        @SuppressWarnings("unchecked")
        ChunkOutcomes(Document record, VariantAssignment variants, List<String> chunk, Instant now) {
            this.committed = record == null ? 0 : record.getInteger("committed", 0);
            this.now = now;
            this.timed = TimedChunk.of(record);
            this.positions = variants == null && timed == null ? null : new HashMap<>();
            if (variants != null || timed != null) {
                // A timed chunk's delivery order is its record's; an A/B chunk's is its arrangement.
                List<String> arranged = timed != null ? timed.order() : variants.arrange(chunk).members();
                for (int i = 0; i < arranged.size(); i++) {
                    positions.put(arranged.get(i), i);
                }
            }
            if (record != null) {
                ((List<Document>) record.get("failed")).forEach(d -> failed.put(d.getString("m"), d));
                ((List<Document>) record.get("skipped")).forEach(d -> skipped.put(d.getString("m"), d));
                unknown.addAll((List<String>) record.get("unknown"));
                if (record.get("devices") instanceof List<?> each) {
                    for (Object o : each) {
                        Document d = (Document) o;
                        devices.computeIfAbsent(d.getString("m"), m -> new ArrayList<>())
                                .add(new DeviceDelivery(d.getString("d"), d.getString("s"), d.getString("r")));
                    }
                }
                if (record.get("expired") instanceof List<?> ranges) {
                    ranges.forEach(r -> expired.add((List<Integer>) r));
                }
            }
        }

        /** The outcome of the member at {@code position} of the chunk in audience order, with its devices'. */
        DeliveryView of(int position, String member) {
            return outcome(position, member).withDevices(devices.get(member));
        }

        private DeliveryView outcome(int position, String member) {
            int at = positions == null ? position : positions.get(member);
            if (at >= committed) {
                TimedChunk.Wave wave = timed == null ? null : timed.waveOf(at);
                return wave != null && wave.at() > now.getEpochSecond()
                        ? DeliveryView.held(member, Instant.ofEpochSecond(wave.at()), wave.zone())
                        : new DeliveryView(member, "pending", null, null);
            }
            for (List<Integer> range : expired) {
                if (at >= range.get(0) && at < range.get(1)) {
                    return new DeliveryView(member, "expired", "the campaign expired before the member was sent", null);
                }
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
