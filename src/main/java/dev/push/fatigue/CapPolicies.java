package dev.push.fatigue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import dev.push.api.ApiException;
import dev.push.channel.config.Channels;
import dev.push.consent.Categories;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code frequency_caps} collection, its one writer: one policy per category and channel scope, keyed
 * {@code <category>:<channel>} or {@code <category>:*} for all channels,
 * {@code {_id, category, channel, limits: [{max, window}], at, by}}. A push is counted under the most specific policy
 * of its category: its channel's, else the all-channels one.
 */
@ApplicationScoped
public class CapPolicies {
    public static final String COLLECTION = "frequency_caps";
    static final int MAX_LIMITS = 5;
    static final Duration SHORTEST = Duration.ofMinutes(1);
    static final Duration LONGEST = Duration.ofDays(90);
    static final int MOST = 10_000;

    private final PushDatabase database;
    private final Categories categories;
    private final Channels channels;
    private final Clock clock;

    @Inject
    public CapPolicies(PushDatabase database, Categories categories, Channels channels, Clock clock) {
        this.database = database;
        this.categories = categories;
        this.channels = channels;
        this.clock = clock;
    }

    private MongoCollection<Document> policies() {
        return database.get(COLLECTION);
    }

    /** Checks a policy as given, naming the field at fault, and stores it in place of the one of its scope. */
    public CapPolicy put(CapPolicyRequest request, String by) {
        CapPolicy policy = check(request);
        List<Document> limits = new ArrayList<>();
        policy.limits().forEach(l -> limits.add(new Document("max", l.max()).append("window", l.window().toString())));
        policies().replaceOne(Filters.eq("_id", policy.id()), new Document("_id", policy.id())
                        .append("category", policy.category()).append("channel", policy.channel()).append("limits", limits)
                        .append("at", Date.from(clock.instant())).append("by", by),
                new ReplaceOptions().upsert(true));
        read = null;
        return policy;
    }

    /** Removes the policy of a category over one channel ({@code channel}) or all channels (null); false if none. */
    public boolean delete(String category, String channel) {
        boolean deleted = policies().deleteOne(Filters.eq("_id", CapPolicy.id(category, channel))).getDeletedCount() == 1;
        read = null;
        return deleted;
    }

    /** Every policy, by key. */
    public List<CapPolicy> all() {
        List<CapPolicy> out = new ArrayList<>();
        for (Document d : policies().find().sort(Sorts.ascending("_id"))) {
            out.add(of(d));
        }
        return out;
    }

    /** How long this instance answers from the policies it read: a policy put or removed elsewhere applies here within it. */
    static final long REREAD_AFTER_NANOS = 1_000_000_000L;

    private record Read(long at, Map<String, CapPolicy> byId) {
    }

    private volatile Read read;

    /**
     * The policy a push of {@code category} on {@code channel} counts under, or null when none caps it. Every send and
     * every campaign sub-batch asks, so the few policies are read at most once a second (and again at once after a
     * change made through this instance), not once a push.
     */
    public CapPolicy applying(String category, String channel) {
        Map<String, CapPolicy> byId = current();
        CapPolicy specific = byId.get(CapPolicy.id(category, channel));
        return specific != null ? specific : byId.get(CapPolicy.id(category, null));
    }

    private Map<String, CapPolicy> current() {
        Read r = read;
        long now = System.nanoTime();
        if (r == null || now - r.at >= REREAD_AFTER_NANOS) {
            Map<String, CapPolicy> byId = new HashMap<>();
            for (Document d : policies().find()) {
                byId.put(d.getString("_id"), of(d));
            }
            r = new Read(now, byId);
            read = r;
        }
        return r.byId;
    }

    private static CapPolicy of(Document d) {
        List<CapPolicy.Limit> limits = new ArrayList<>();
        for (Document l : d.getList("limits", Document.class)) {
            limits.add(new CapPolicy.Limit(l.getInteger("max"), Duration.parse(l.getString("window"))));
        }
        return new CapPolicy(d.getString("category"), d.getString("channel"), limits);
    }

    private CapPolicy check(CapPolicyRequest r) {
        String category = categories.check("category", r.category());
        String channel = r.channel();
        if (channel != null) {
            channels.get(channel);
        }
        if (r.limits() == null || r.limits().isEmpty() || r.limits().size() > MAX_LIMITS) {
            throw ApiException.badRequest("limits", "give 1 to " + MAX_LIMITS + " limits");
        }
        List<CapPolicy.Limit> limits = new ArrayList<>();
        Set<Duration> windows = new HashSet<>();
        for (int i = 0; i < r.limits().size(); i++) {
            CapPolicyRequest.LimitRequest l = r.limits().get(i);
            String at = "limits[" + i + "]";
            if (l == null) {
                throw ApiException.badRequest(at, "is required");
            }
            if (l.max() == null || l.max() < 1 || l.max() > MOST) {
                throw ApiException.badRequest(at + ".max", "must be 1 to " + MOST + " pushes");
            }
            Duration window = window(at + ".window", l.window());
            if (!windows.add(window)) {
                throw ApiException.badRequest(at + ".window", "is given twice");
            }
            limits.add(new CapPolicy.Limit(l.max(), window));
        }
        return new CapPolicy(category, channel, List.copyOf(limits));
    }

    private static Duration window(String field, String text) {
        if (text == null) {
            throw ApiException.badRequest(field, "is required (ISO-8601, e.g. PT24H or P7D)");
        }
        Duration d;
        try {
            d = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field, "is not an ISO-8601 duration (e.g. PT24H or P7D)");
        }
        if (d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
            throw ApiException.badRequest(field, "must be from PT1M to P90D");
        }
        return d;
    }
}
