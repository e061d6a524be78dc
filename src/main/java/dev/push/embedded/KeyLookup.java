package dev.push.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Finds the documents a filter can only match by their exact {@code _id}, through the {@code _id} unique index.
 * <p>
 * The stock query engine uses an index only when a filter's keys are exactly the index keys, so
 * {@code {_id: X, owner: "w1"}} scans the collection. A filter whose top-level {@code _id} is an exact value
 * ({@code X}, an embedded document, {@code {$eq: X}}) or {@code {$in: [X, Y, …]}} can only match the documents with
 * those ids, so looking them up first and matching the whole filter against them gives the same answer.
 * <p>
 * Embedded-document ids compare field by field in order on a real MongoDB ({@code {c, s, k}} is not
 * {@code {k, s, c}}); the service always writes and queries such keys in one order, the order of its key classes.
 */
final class KeyLookup {

    private static final String ID = "_id";
    private static final String AND = "$and";

    private KeyLookup() {
    }

    /**
     * The positions of the documents the filter can match, or {@code null} when the filter does not pin {@code _id}
     * to exact values (or a stock index already serves it), so the caller keeps the stock path.
     * Positions are distinct, in the order of the ids in the filter.
     */
    static <P> List<P> candidates(List<Index<P>> indexes, Document filter) {
        Object idCondition = idCondition(filter);
        if (idCondition == null) {
            return null;
        }
        Index<P> idIndex = null;
        for (Index<P> index : indexes) {
            if (index.canHandle(filter)) {
                return null;
            }
            if (isIdIndex(index)) {
                idIndex = index;
            }
        }
        if (idIndex == null) {
            return null;
        }
        List<Object> ids = exactIds(idCondition);
        if (ids == null) {
            return null;
        }
        Set<P> positions = new LinkedHashSet<>();
        addIndexPositions(idIndex, ids, positions);
        return new ArrayList<>(positions);
    }

    /** The positions of the documents with these ids, through the {@code _id} unique index. */
    static <P> void addIndexPositions(Index<P> idIndex, Collection<Object> ids, Set<P> positions) {
        for (Object id : ids) {
            for (P position : idIndex.getPositions(new Document(ID, id))) {
                positions.add(position);
            }
        }
    }

    /** The {@code _id} unique index among these, or {@code null}. */
    static <P> Index<P> idIndex(List<Index<P>> indexes) {
        for (Index<P> index : indexes) {
            if (isIdIndex(index)) {
                return index;
            }
        }
        return null;
    }

    /**
     * The condition on {@code _id} that every match must meet: the top-level one, or one inside a
     * top-level {@code $and} (the Java driver renders {@code Filters.and(eq("_id", x), …)} so).
     */
    static Object idCondition(Document filter) {
        if (filter == null) {
            return null;
        }
        if (filter.containsKey(ID)) {
            return filter.get(ID);
        }
        if (filter.get(AND) instanceof Collection<?> clauses) {
            for (Object clause : clauses) {
                if (clause instanceof Document d && d.containsKey(ID)) {
                    return d.get(ID);
                }
            }
        }
        return null;
    }

    /** The exact ids a top-level {@code _id} condition allows, or {@code null} when it is not an exact condition. */
    static List<Object> exactIds(Object condition) {
        if (isExactValue(condition)) {
            return List.of(condition);
        }
        if (!(condition instanceof Document operators) || !allOperators(operators)) {
            return null;
        }
        // Any other operator beside $eq or $in only narrows further; the full filter is matched afterwards.
        if (operators.containsKey("$eq")) {
            Object value = operators.get("$eq");
            return isExactValue(value) ? List.of(value) : null;
        }
        if (operators.get("$in") instanceof Collection<?> values) {
            List<Object> ids = new ArrayList<>(values.size());
            for (Object value : values) {
                if (!isExactValue(value)) {
                    return null;
                }
                ids.add(value);
            }
            return ids;
        }
        return null;
    }

    /**
     * What a document found in the document map under one of the filter's exact ids must still meet: the filter without
     * its top-level {@code _id} when that is an exact value, {@code {$eq: X}} or {@code {$in: [...]}}, since the
     * lookup by key met it already; otherwise, or when a positional projection ({@code "a.$"}) reads the filter, the
     * filter itself. Matching a {@code $in} of n ids again cost n comparisons a document (n² a query), each normalizing
     * both values, the largest cost of reading documents by key in slices.
     */
    static Document withoutExactIds(Document filter, Document projection) {
        if (projection != null && projection.keySet().stream().anyMatch(k -> k.contains("$"))) {
            return filter;
        }
        if (!filter.containsKey(ID)) {
            return withoutExactIdClause(filter);
        }
        Object condition = filter.get(ID);
        boolean met = isExactValue(condition) || condition instanceof Document operators && operators.size() == 1
            && (operators.containsKey("$eq") || operators.containsKey("$in")) && exactIds(condition) != null;
        if (!met) {
            return filter;
        }
        Document rest = new Document(filter);
        rest.remove(ID);
        return rest;
    }

    /**
     * The same for a filter whose {@code _id} condition is in a top-level {@code $and} ({@link #idCondition}): without
     * that clause's exact {@code _id}, or the filter itself.
     */
    private static Document withoutExactIdClause(Document filter) {
        if (!(filter.get(AND) instanceof List<?> clauses)) {
            return filter;
        }
        for (int i = 0; i < clauses.size(); i++) {
            if (clauses.get(i) instanceof Document clause && clause.containsKey(ID)) {
                Document narrowed = withoutExactIds(clause, null);
                if (narrowed == clause) {
                    return filter;
                }
                List<Object> rest = new ArrayList<>(clauses);
                if (narrowed.isEmpty()) {
                    rest.remove(i);
                } else {
                    rest.set(i, narrowed);
                }
                Document out = new Document(filter);
                if (rest.isEmpty()) {
                    out.remove(AND);
                } else {
                    out.put(AND, rest);
                }
                return out;
            }
        }
        return filter;
    }

    private static boolean isIdIndex(Index<?> index) {
        List<IndexKey> keys = index.getKeys();
        return index.isUnique() && keys.size() == 1 && ID.equals(keys.get(0).getKey());
    }

    /**
     * A value compared by equality: not null (which also matches a missing field), not an array (which matches by
     * element), not a regular expression, and not an operator document.
     */
    private static boolean isExactValue(Object value) {
        if (value == null || value instanceof Collection || BsonRegularExpression.isRegularExpression(value)) {
            return false;
        }
        if (value instanceof Document document) {
            for (String key : document.keySet()) {
                if (key.startsWith("$")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean allOperators(Document document) {
        if (document.isEmpty()) {
            return false;
        }
        for (String key : document.keySet()) {
            if (!key.startsWith("$")) {
                return false;
            }
        }
        return true;
    }
}
