package dev.push.embedded;

import de.bwaldvogel.mongo.bson.Document;

/**
 * A range of string {@code _id}s that every match of a filter lies in: the top-level {@code _id}
 * condition (or one inside a top-level {@code $and}, see {@link KeyLookup#idCondition}) made only
 * of {@code $gt}, {@code $gte}, {@code $lt} and {@code $lte} with string values. A missing bound
 * is open. The caller walks the key-ordered document map over the range and still matches the
 * whole filter, so a wider range (an exclusive bound taken as inclusive) never changes an answer.
 * <p>
 * Strings compare the same way in the stock query engine ({@code String.compareTo}) and in the H2
 * map's key order, and a string range never matches an id of another type, so ids of other types
 * may simply be skipped.
 */
record KeyRange(String from, String to) {

    static KeyRange of(Document filter) {
        if (!(KeyLookup.idCondition(filter) instanceof Document operators) || operators.isEmpty()) {
            return null;
        }
        String from = null;
        String to = null;
        for (String op : operators.keySet()) {
            Object value = operators.get(op);
            if (!(value instanceof String bound)) {
                return null;
            }
            switch (op) {
                case "$gt", "$gte" -> from = from == null || bound.compareTo(from) > 0 ? bound : from;
                case "$lt", "$lte" -> to = to == null || bound.compareTo(to) < 0 ? bound : to;
                default -> {
                    return null;
                }
            }
        }
        return new KeyRange(from, to);
    }

    /** Whether a key lies past the range's end: the walk can stop there. */
    boolean endsBefore(String key) {
        return to != null && key.compareTo(to) > 0;
    }
}
