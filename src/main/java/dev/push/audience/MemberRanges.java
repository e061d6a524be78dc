package dev.push.audience;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits the members into ranges of ids holding about as many members each, as {@code _id}
 * conditions ({} for "all"); the ranges cover every id, whatever is imported later. The split
 * points are found the way that is cheap on the server at hand: on MongoDB from a {@code $sample}
 * of ids (a random walk of the index, however many members), on the embedded server at even
 * positions of the id order ({@code sort(_id).skip(n)}, which its key order answers in O(log n)
 * but which MongoDB would answer by walking n keys).
 */
final class MemberRanges {
    /** Below this many members per range, fewer ranges. */
    static final int MIN_RANGE = 1000;
    /** Sampled ids per range: the quantiles of a sample this size are within a few percent. */
    private static final int SAMPLE_PER_RANGE = 50;

    private MemberRanges() {
    }

    /**
     * The ranges to read a filter's members in: one (all) when the filter has an {@code _id}
     * condition, which is a key lookup that ranges would only turn into scans.
     */
    static List<Document> of(MongoCollection<Document> members, Document filter, int parts, boolean embedded, int minRange) {
        return filter.containsKey("_id") ? List.of(new Document()) : of(members, parts, embedded, minRange);
    }

    static List<Document> of(MongoCollection<Document> members, int parts, boolean embedded, int minRange) {
        List<Document> ranges = new ArrayList<>();
        String from = null;
        for (String to : splits(members, parts, embedded, minRange)) {
            ranges.add(range(from, to));
            from = to;
        }
        ranges.add(range(from, null));
        return ranges;
    }

    /**
     * The ids the ranges of {@link #of(MongoCollection, Document, int, boolean, int)} start at,
     * ascending: range i runs from split i-1 (or the first id) up to split i (or past the last).
     */
    static List<String> splits(MongoCollection<Document> members, Document filter, int parts, boolean embedded,
                               int minRange) {
        return filter.containsKey("_id") ? List.of() : splits(members, parts, embedded, minRange);
    }

    private static List<String> splits(MongoCollection<Document> members, int parts, boolean embedded, int minRange) {
        long n = parts > 1 ? members.estimatedDocumentCount() : 0;
        int count = (int) Math.max(1, Math.min(parts, n / minRange));
        return count == 1 ? List.of() : embedded ? bySkip(members, count, n) : bySample(members, count);
    }

    private static List<String> bySkip(MongoCollection<Document> members, int parts, long n) {
        TreeSet<String> splits = new TreeSet<>();
        for (int i = 1; i < parts; i++) {
            Document at = members.find().sort(Sorts.ascending("_id")).skip((int) (i * n / parts)).limit(1)
                    .projection(Projections.include("_id")).first();
            if (at != null && at.get("_id") instanceof String id) {
                splits.add(id);
            }
        }
        return new ArrayList<>(splits);
    }

    private static List<String> bySample(MongoCollection<Document> members, int parts) {
        List<String> sample = new ArrayList<>();
        for (Document d : members.aggregate(List.of(Aggregates.sample(parts * SAMPLE_PER_RANGE),
                Aggregates.project(Projections.include("_id"))))) {
            if (d.get("_id") instanceof String id) {
                sample.add(id);
            }
        }
        sample.sort(null);
        TreeSet<String> splits = new TreeSet<>();
        for (int i = 1; i < parts && !sample.isEmpty(); i++) {
            splits.add(sample.get(i * sample.size() / parts));
        }
        return new ArrayList<>(splits);
    }

    /**
     * The filter restricted to a range: flat ({@code _id} beside the filter's conditions, which the
     * embedded server answers by walking only that range of keys) unless the filter has an
     * {@code _id} condition of its own.
     */
    static Document within(Document filter, Document range) {
        if (range.isEmpty()) {
            return filter;
        }
        if (filter.containsKey("_id")) {
            return new Document("$and", List.of(filter, range));
        }
        Document out = new Document(filter);
        out.putAll(range);
        return out;
    }

    static Document range(String from, String to) {
        Document bounds = new Document();
        if (from != null) {
            bounds.append("$gte", from);
        }
        if (to != null) {
            bounds.append("$lt", to);
        }
        return bounds.isEmpty() ? new Document() : new Document("_id", bounds);
    }
}
