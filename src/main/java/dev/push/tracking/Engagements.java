package dev.push.tracking;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of {@value #EVENTS} and {@value #HOURS}. {@value #EVENTS} holds the first event of each type per
 * member and campaign, {@code _id = campaign|type|member} ({@link Engagement#key}): recording is an unordered insert
 * of a batch, and a key already there means "not the first", so a repeated report or click changes nothing and the
 * unique counts are exact however many instances record at once. {@value #HOURS} holds a campaign's counters per
 * hour, {@code _id = campaign|hour} (hour zero-padded so keys sort by time): the first events counted per type,
 * {@code clicks} (every click), {@code previews} (link-preview fetchers, counted apart) and {@code value} (the sum of
 * conversions' values); for an A/B campaign also the first events per variant ({@code clicked@2}). Both are written by key and in batches only.
 */
@ApplicationScoped
public class Engagements {
    public static final String EVENTS = "engagements";
    public static final String HOURS = "funnel_hours";
    static final long HOUR_MS = 3_600_000L;
    static final String CLICKS = "clicks";
    static final String PREVIEWS = "previews";
    static final String VALUE = "value";
    private static final int SLICE = 500;

    @Inject
    PushDatabase collections;

    MongoCollection<Document> events() {
        return collections.get(EVENTS);
    }

    /**
     * Records a batch of events; answers, per event, whether it was the first of its type for its member and campaign
     * (the others were already recorded). Each first event is counted in its campaign's hour, with {@code extra}
     * counters (total clicks, previews) added in the same write.
     */
    public boolean[] record(List<Engagement> batch, Collection<HourCount> extra) {
        boolean[] first = new boolean[batch.size()];
        for (int from = 0; from < batch.size(); from += SLICE) {
            insert(batch, from, Math.min(batch.size(), from + SLICE), first);
        }
        Map<String, Document> increments = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (first[i]) {
                Engagement e = batch.get(i);
                Document inc = increments.computeIfAbsent(hourKey(e.campaign(), e.at()), k -> new Document());
                inc.merge(e.type(), 1L, (a, b) -> (Long) a + (Long) b);
                if (e.variant() > 0) {
                    inc.merge(ofVariant(e.type(), e.variant()), 1L, (a, b) -> (Long) a + (Long) b);
                }
                if (e.value() != null) {
                    inc.merge(VALUE, e.value(), (a, b) -> ((Number) a).doubleValue() + ((Number) b).doubleValue());
                }
            }
        }
        for (HourCount c : extra) {
            increments.computeIfAbsent(hourKey(c.campaign(), c.at()), k -> new Document())
                    .merge(c.counter(), c.n(), (a, b) -> (Long) a + (Long) b);
        }
        count(increments);
        return first;
    }

    /** Counters of one campaign hour to add besides the first events: {@code clicks} or {@code previews}. */
    public record HourCount(long campaign, long at, String counter, long n) {
    }

    private void insert(List<Engagement> batch, int from, int to, boolean[] first) {
        List<Document> docs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Engagement e = batch.get(i);
            Document d = new Document("_id", e.key()).append("c", e.campaign()).append("m", e.member())
                    .append("t", e.type()).append("at", new Date(e.at())).append("v", e.variant());
            if (e.value() != null) {
                d.append(VALUE, e.value());
            }
            docs.add(d);
            first[i] = true;
        }
        try {
            events().insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                first[from + error.getIndex()] = false;
            }
        }
    }

    private void count(Map<String, Document> increments) {
        if (increments.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(increments.size());
        increments.forEach((key, inc) -> writes.add(new UpdateOneModel<>(Filters.eq("_id", key),
                new Document("$inc", inc), new UpdateOptions().upsert(true))));
        collections.get(HOURS).bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }

    /** The hour's counter of first events of a type among members sent variant {@code v} of an A/B campaign: {@code clicked@2}. */
    static String ofVariant(String type, int variant) {
        return type + "@" + variant;
    }

    static String hourKey(long campaign, long at) {
        return campaign + "|" + String.format("%09d", Math.max(0, at / HOUR_MS));
    }

    /** The first events of these types for these members of a campaign, by key: member → type → event. */
    public Map<String, Map<String, Document>> of(long campaign, Collection<String> members, List<String> types) {
        Map<String, Map<String, Document>> out = new HashMap<>();
        List<String> keys = new ArrayList<>(SLICE);
        for (String m : members) {
            for (String t : types) {
                keys.add(Engagement.key(campaign, t, m));
                if (keys.size() >= 100) {
                    read(keys, out);
                }
            }
        }
        read(keys, out);
        return out;
    }

    private void read(List<String> keys, Map<String, Map<String, Document>> out) {
        if (keys.isEmpty()) {
            return;
        }
        for (Document d : events().find(Filters.in("_id", keys))) {
            out.computeIfAbsent(d.getString("m"), m -> new HashMap<>()).put(d.getString("t"), d);
        }
        keys.clear();
    }

    /** A campaign's hourly counters, oldest first (a key range: one walk of that campaign's hours). */
    public List<Document> hours(long campaign) {
        List<Document> out = new ArrayList<>();
        collections.get(HOURS).find(new Document("_id", new Document("$gte", campaign + "|").append("$lt", campaign + "|~")))
                .forEach(out::add);
        out.sort((a, b) -> a.getString("_id").compareTo(b.getString("_id")));
        return out;
    }

    /** The hour (epoch milliseconds at its start) of a counter document. */
    static long hourOf(Document hour) {
        String id = hour.getString("_id");
        return Long.parseLong(id.substring(id.indexOf('|') + 1)) * HOUR_MS;
    }
}
