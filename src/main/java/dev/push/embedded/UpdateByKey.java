package dev.push.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.NumericUtils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The narrow form of update that most keyed writes take — the cap ledger's writes, a claim's checkpoint — answered
 * without the stock update engine: one document found by its exact {@code _id} (at the top of the filter, or in a
 * top-level {@code $and}, as the Java driver renders {@code Filters.and}), matching the rest of the filter, whose
 * update only {@code $set}s, {@code $inc}s (by a number other than 0) or {@code $push}es (one value, or {@code $each} of
 * some, optionally {@code $sort}ed by 1 or -1 when no element is a document or an array) top-level fields that no index
 * reads. The stock path clones the document, applies the operators through its generic engine, checks and updates every
 * unique index and looks the document's position up again in the {@code _id} index (docs/benchmarks.md §14); here the
 * changed fields are put on a copy, which replaces the stored instance (never changed itself: {@link InPlaceUpdates}); a
 * filter the document does not match changes nothing. An upsert that finds no document inserts the {@code _id} with the
 * update applied, as the stock path does, when the rest of its filter holds only conditions the stock path does not copy
 * into the new document ({@link #NOT_COPIED}). Any other update, a missing document without upsert, and an upsert whose
 * filter does not match take the stock path (which fails there on the duplicate id, as the cap ledger expects). A field
 * set to a value equal to its own (3 for 3L) is left as it is and the document counts as not modified, as on the stock
 * path.
 */
final class UpdateByKey {
    private static final String ID = "_id";
    private static final String AND = "$and";
    /** Conditions an upsert's new document does not take from its filter. */
    private static final Set<String> NOT_COPIED = Set.of("$not", "$exists", "$gt", "$gte", "$lt", "$lte", "$ne");

    /** What the update needs of its collection. */
    interface Target {
        Document stored(Object id);

        boolean matches(Document document, Document filter);

        List<? extends Index<?>> indexes();

        /** Stores {@code changed}, which differs from {@code stored} in {@code fields} only, in place of it under {@code id}. */
        void replace(Object id, Document stored, Document changed, Set<String> fields);

        /** Adds a new document, as an insert does. */
        void insert(Document document);
    }

    /**
     * The answer: {@code n} 1 or 0 (the document is there but the rest of the filter does not match), {@code nModified};
     * or the id an upsert inserted.
     */
    record Result(Object id, boolean matched, boolean modified, Document upserted) {
        Document answer() {
            Document answer = new Document();
            if (upserted != null) {
                answer.put("upserted", id);
            }
            return answer.append("n", matched ? 1 : 0).append("nModified", modified ? 1 : 0);
        }
    }

    private UpdateByKey() {
    }

    /**
     * The update done, or null when it is not of this form, or no document has the id (unless an upsert inserts it here),
     * or an upsert's filter does not match it.
     */
    static Result apply(Target target, Document filter, Document update, ArrayFilters arrayFilters, boolean isMulti,
                        boolean isUpsert) {
        Object idCondition = KeyLookup.idCondition(filter);
        if (isMulti || update.isEmpty() || arrayFilters != null && !arrayFilters.isEmpty() || idCondition == null) {
            return null;
        }
        for (String key : filter.keySet()) {
            if (key.startsWith("$") && !AND.equals(key)) {
                return null;
            }
        }
        Set<String> fields = new HashSet<>();
        for (Map.Entry<String, Object> op : update.entrySet()) {
            if (!(op.getValue() instanceof Document changes) || changes.isEmpty() || !supported(op.getKey(), changes)) {
                return null;
            }
            for (String field : changes.keySet()) {
                if (field.isEmpty() || field.startsWith("$") || field.contains(".") || ID.equals(field)
                    || indexed(target.indexes(), field) || !fields.add(field)) {
                    return null;
                }
            }
        }
        List<Object> ids = KeyLookup.exactIds(idCondition);
        if (ids == null || ids.size() != 1) {
            return null;
        }
        Object id = ids.get(0);
        Document stored = target.stored(id);
        if (stored == null) {
            return isUpsert ? inserted(target, id, filter, update) : null;
        }
        // Found under the filter's one exact id: only the rest of the filter is left to match (as a keyed find does).
        Document rest = KeyLookup.withoutExactIds(filter, null);
        if (!rest.isEmpty() && !matches(target, stored, rest)) {
            return isUpsert ? null : new Result(id, false, false, null);
        }
        Document changed = applied(stored, update);
        if (changed == null) {
            return null;
        }
        if (changed != stored) {
            target.replace(id, stored, changed, fields);
        }
        return new Result(id, true, changed != stored, null);
    }

    /** The rest of the filter matched by {@link DateConditions} where it can, else by the collection's matcher. */
    private static boolean matches(Target target, Document stored, Document rest) {
        Boolean matches = DateConditions.matches(stored, rest);
        return matches != null ? matches : target.matches(stored, rest);
    }

    /** Whether the fast path does what the stock one does with this operator's changes. */
    private static boolean supported(String operator, Document changes) {
        switch (operator) {
            case "$set":
                return true;
            case "$inc":
                for (Object by : changes.values()) {
                    if (!(by instanceof Number n) || n.doubleValue() == 0) {
                        return false;
                    }
                }
                return true;
            case "$push":
                for (Object value : changes.values()) {
                    if (value instanceof Document modifiers && modifiers.keySet().stream().anyMatch(k -> k.startsWith("$"))
                        && (!(modifiers.get("$each") instanceof List<?> each) || each.isEmpty()
                            || !Set.of("$each", "$sort").containsAll(modifiers.keySet())
                            || modifiers.containsKey("$sort") && sortOrder(modifiers.get("$sort")) == 0)) {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    /** 1 or -1, or 0 for any other {@code $sort} (a document's fields, an invalid value): the stock path's. */
    private static int sortOrder(Object sort) {
        if (sort instanceof Integer || sort instanceof Long) {
            long order = ((Number) sort).longValue();
            return order == 1 || order == -1 ? (int) order : 0;
        }
        return 0;
    }

    /**
     * {@code stored} with the update applied on a copy, {@code stored} itself when nothing changed, or null when a
     * change needs the stock path (a field of another type than the operator works on).
     */
    private static Document applied(Document stored, Document update) {
        Document changed = null;
        for (Map.Entry<String, Object> op : update.entrySet()) {
            for (Map.Entry<String, Object> e : ((Document) op.getValue()).entrySet()) {
                Object old = (changed == null ? stored : changed).getOrMissing(e.getKey());
                Object value;
                switch (op.getKey()) {
                    case "$set" -> {
                        if (unchanged(e.getValue(), old)) {
                            continue;
                        }
                        value = e.getValue();
                    }
                    case "$inc" -> {
                        if (old instanceof Missing) {
                            value = e.getValue();
                        } else if (old instanceof Number n) {
                            value = NumericUtils.addNumbers(n, (Number) e.getValue());
                        } else {
                            return null;
                        }
                    }
                    default -> {
                        value = pushed(old, e.getValue());
                        if (value == null) {
                            return null;
                        }
                    }
                }
                if (changed == null) {
                    changed = new Document(stored);
                }
                changed.put(e.getKey(), value);
            }
        }
        return changed == null ? stored : changed;
    }

    /** A new list: {@code old}'s elements and the pushed ones, sorted as asked; null when {@code old} is not a list. */
    private static List<Object> pushed(Object old, Object push) {
        if (!(old instanceof Missing) && !(old instanceof List<?>)) {
            return null;
        }
        List<Object> out = old instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>();
        if (push instanceof Document modifiers && modifiers.containsKey("$each")) {
            out.addAll((List<?>) modifiers.get("$each"));
            if (modifiers.containsKey("$sort")) {
                for (Object element : out) {
                    if (element instanceof Map<?, ?> || element instanceof Collection<?>) {
                        return null;
                    }
                }
                out.sort(sortOrder(modifiers.get("$sort")) == 1 ? ValueComparator.asc() : ValueComparator.desc());
            }
        } else {
            out.add(push);
        }
        return out;
    }

    /**
     * An upsert that found no document: the {@code _id} and the update applied, inserted, when the stock path would
     * take nothing else from the filter; otherwise null (the stock path).
     */
    private static Result inserted(Target target, Object id, Document filter, Document update) {
        for (Map.Entry<String, Object> e : filter.entrySet()) {
            if (ID.equals(e.getKey())) {
                continue;
            }
            if (!(e.getValue() instanceof Document conditions) || conditions.isEmpty()
                || !NOT_COPIED.containsAll(conditions.keySet())) {
                return null;
            }
        }
        if (!(filter.get(ID) instanceof String || filter.get(ID) instanceof Number)) {
            return null;
        }
        Document document = applied(new Document(ID, id), update);
        if (document == null) {
            return null;
        }
        target.insert(document);
        return new Result(id, false, false, document);
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
            return c.stream().map(UpdateByKey::normalized).toList();
        }
        return value;
    }
}
