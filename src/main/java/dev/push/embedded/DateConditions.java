package dev.push.embedded;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The conditions of the cap ledger's rule ({@code fatigue.FrequencyCapped}), matched without the stock query matcher:
 * a top-level field, or one position of a top-level list ({@code at.3}), holding a date or nothing, tested with
 * {@code $exists} or a comparison with a date ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}), alone or under
 * {@code $not}. The stock matcher took a quarter of a capped campaign's keyed update at 1,000,000 members (JFR of
 * {@code bench/run caps}, docs/benchmarks.md §14). A filter of any other form, or a value that is not a date where one
 * is compared, is left to the stock matcher (null); {@code KeyedBackendEquivalenceTest.sameDateConditions} and
 * {@code sameRuleFilteredUpserts} hold the two to the same answers.
 */
final class DateConditions {
    private static final Set<String> COMPARISONS = Set.of("$gt", "$gte", "$lt", "$lte");

    private DateConditions() {
    }

    /** Whether {@code document} matches {@code filter}, or null when the filter is not of this form. */
    static Boolean matches(Document document, Document filter) {
        for (Map.Entry<String, Object> e : filter.entrySet()) {
            Object value = at(document, e.getKey());
            if (value == null || !(e.getValue() instanceof Document conditions) || conditions.isEmpty()) {
                return null;
            }
            for (Map.Entry<String, Object> c : conditions.entrySet()) {
                Boolean holds = holds(c.getKey(), c.getValue(), value);
                if (holds == null) {
                    return null;
                }
                if (!holds) {
                    return Boolean.FALSE;
                }
            }
        }
        return Boolean.TRUE;
    }

    /** The date ({@link Instant}, as the server decodes one) or {@link Missing} at {@code path}; null when the path or the value is of another form. */
    private static Object at(Document document, String path) {
        int dot = path.indexOf('.');
        if (path.isEmpty() || path.startsWith("$") || dot == 0 || dot == path.length() - 1) {
            return null;
        }
        Object value = document.getOrMissing(dot < 0 ? path : path.substring(0, dot));
        if (dot >= 0) {
            int position = position(path.substring(dot + 1));
            if (position < 0) {
                return null;
            }
            if (value instanceof List<?> list) {
                value = position < list.size() ? list.get(position) : Missing.getInstance();
            } else if (!(value instanceof Missing)) {
                return null;
            }
        }
        return value instanceof Instant || value instanceof Missing ? value : null;
    }

    /** A list position written as Mongo reads one (digits, no leading zero), or -1. */
    private static int position(String s) {
        if (s.isEmpty() || s.length() > 9 || s.length() > 1 && s.charAt(0) == '0') {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    private static Boolean holds(String operator, Object operand, Object value) {
        if ("$exists".equals(operator)) {
            return operand instanceof Boolean exists ? exists != (value instanceof Missing) : null;
        }
        if ("$not".equals(operator)) {
            if (!(operand instanceof Document inner) || inner.size() != 1) {
                return null;
            }
            Map.Entry<String, Object> only = inner.entrySet().iterator().next();
            if (!COMPARISONS.contains(only.getKey())) {
                return null;
            }
            Boolean holds = holds(only.getKey(), only.getValue(), value);
            return holds == null ? null : !holds;
        }
        if (!COMPARISONS.contains(operator) || !(operand instanceof Instant bound)) {
            return null;
        }
        if (value instanceof Missing) {
            return Boolean.FALSE;
        }
        int order = ((Instant) value).compareTo(bound);
        return switch (operator) {
            case "$gt" -> order > 0;
            case "$gte" -> order >= 0;
            case "$lt" -> order < 0;
            default -> order <= 0;
        };
    }
}
