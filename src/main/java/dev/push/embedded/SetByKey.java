package dev.push.embedded;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The narrow form of update that most keyed writes take — the cap ledger's versioned write, a claim's checkpoint —
 * answered without the stock update engine: one document found by its exact {@code _id}, matching the rest of the
 * filter, whose update only {@code $set}s top-level fields that no index reads. The stock path clones the document,
 * applies the operators through its generic engine, checks and updates every unique index and looks the document's
 * position up again in the {@code _id} index (docs/benchmarks.md §14); here the changed fields are put on a copy, which
 * replaces the stored instance (never changed itself: {@link InPlaceUpdates}); a filter the document does not match
 * changes nothing. Any other update, a missing document, and an upsert whose filter does not match take the stock path. A field set to a value equal to its own (3 for
 * 3L) is left as it is and the document counts as not modified, as on the stock path.
 */
final class SetByKey {
    private static final String ID = "_id";

    /** What the update needs of its collection. */
    interface Target {
        Document stored(Object id);

        boolean matches(Document document, Document filter);

        List<? extends Index<?>> indexes();

        /** Stores {@code changed} in place of {@code stored} under {@code id}. */
        void replace(Object id, Document stored, Document changed);
    }

    /** The answer: {@code n} 1 or 0 (the document is there but the rest of the filter does not match), {@code nModified}. */
    record Result(Object id, boolean matched, boolean modified) {
        Document answer() {
            return new Document("n", matched ? 1 : 0).append("nModified", modified ? 1 : 0);
        }
    }

    private SetByKey() {
    }

    /**
     * The update done, or null when it is not of this form, or no document has the id, or an upsert's filter does not
     * match it (the stock path's: an upsert there fails on the duplicate id, as the cap ledger expects).
     */
    static Result apply(Target target, Document filter, Document update, ArrayFilters arrayFilters, boolean isMulti,
                        boolean isUpsert) {
        if (isMulti || update.size() != 1 || !(update.get("$set") instanceof Document set) || set.isEmpty()
            || arrayFilters != null && !arrayFilters.isEmpty() || !filter.containsKey(ID)) {
            return null;
        }
        for (String key : filter.keySet()) {
            if (key.startsWith("$")) {
                return null;
            }
        }
        for (String field : set.keySet()) {
            if (field.isEmpty() || field.startsWith("$") || field.contains(".") || ID.equals(field)
                || indexed(target.indexes(), field)) {
                return null;
            }
        }
        List<Object> ids = KeyLookup.exactIds(filter.get(ID));
        if (ids == null || ids.size() != 1) {
            return null;
        }
        Object id = ids.get(0);
        Document stored = target.stored(id);
        if (stored == null) {
            return null;
        }
        if (!target.matches(stored, filter)) {
            return isUpsert ? null : new Result(id, false, false);
        }
        Document changed = null;
        for (Map.Entry<String, Object> e : set.entrySet()) {
            Object old = stored.containsKey(e.getKey()) ? stored.get(e.getKey()) : Missing.getInstance();
            if (!unchanged(e.getValue(), old)) {
                if (changed == null) {
                    changed = new Document(stored);
                }
                changed.put(e.getKey(), e.getValue());
            }
        }
        if (changed != null) {
            target.replace(id, stored, changed);
        }
        return new Result(id, true, changed != null);
    }

    private static boolean indexed(List<? extends Index<?>> indexes, String field) {
        for (Index<?> index : indexes) {
            for (IndexKey key : index.getKeys()) {
                String path = key.getKey();
                int dot = path.indexOf('.');
                if ((dot < 0 ? path : path.substring(0, dot)).equals(field)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The stock {@code $set}'s test: equal after normalizing numbers (null and missing alike), but a field missing before is set. */
    private static boolean unchanged(Object value, Object old) {
        if (old instanceof Missing && !(value instanceof Missing)) {
            return false;
        }
        if (value == old || Missing.isNullOrMissing(value) && Missing.isNullOrMissing(old)) {
            return true;
        }
        if (Missing.isNullOrMissing(value) || Missing.isNullOrMissing(old)) {
            return false;
        }
        return Objects.equals(normalized(value), normalized(old));
    }

    /** Values as the stock matcher compares them: numbers as doubles (a long too large for one as itself), -0.0 as 0.0. */
    private static Object normalized(Object value) {
        if (Missing.isNullOrMissing(value)) {
            return null;
        }
        if (value instanceof Long l && l != (long) l.doubleValue()) {
            return value;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == -0.0 ? 0.0 : d;
        }
        if (value instanceof Map<?, ?> map) {
            Document out = new Document();
            map.forEach((k, v) -> out.put((String) k, normalized(v)));
            return out;
        }
        if (value instanceof java.util.Collection<?> c) {
            return c.stream().map(SetByKey::normalized).toList();
        }
        return value;
    }
}
