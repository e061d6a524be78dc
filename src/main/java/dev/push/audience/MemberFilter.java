package dev.push.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.api.ApiException;
import dev.push.member.Attributes;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an operator's audience query ({@code {"kind": "query", "filter": {…}}}) into a MongoDB
 * filter over member documents. The filter is written in the members' own words and only a
 * whitelist passes, so no query can run code ({@code $where}, {@code $function}), reach outside
 * the member's attributes, or cost without bound:
 * <ul>
 *   <li>top-level keys are attribute names ({@code [A-Za-z0-9_-]{1,64}}, mapped to
 *       {@code attributes.<name>}), the member id {@code id} (mapped to {@code _id}), and
 *       {@code $and} / {@code $or} over arrays of such filters, and the device fields {@code devices.platform},
 *       {@code devices.app} and {@code devices.lastSeen} (an ISO-8601 instant), which a member matches when any of
 *       its devices does;</li>
 *   <li>a field takes a plain value (meaning {@code $eq}) or an operator expression of
 *       {@code $eq $ne $gt $gte $lt $lte} (one value), {@code $in $nin} (an array of values),
 *       {@code $exists} (true or false) and {@code $not} (an operator expression);</li>
 *   <li>values are JSON scalars only (string, number, boolean, null), so an object can never
 *       stand where a value is expected and smuggle an operator in; values of {@code id} are
 *       strings (an integer is taken as its decimal text, as the import does).</li>
 * </ul>
 * Limits: {@value #MAX_DEPTH} levels of nesting, {@value #MAX_CONDITIONS} conditions, {@value #MAX_LIST}
 * values in one {@code $in}/{@code $nin} and {@value #MAX_LIST_VALUES} in all of them, strings of
 * {@value #MAX_STRING} characters. A refused filter throws {@link ApiException#badRequest} naming
 * where it was (e.g. {@code source.filter.$or[1].age.$where}) and what was wrong.
 */
public final class MemberFilter {
    public static final String DEFAULT_PATH = "source.filter";
    public static final int MAX_DEPTH = 8;
    public static final int MAX_CONDITIONS = 200;
    public static final int MAX_LIST = 10_000;
    public static final int MAX_LIST_VALUES = 50_000;
    public static final int MAX_STRING = 1024;

    private static final Set<String> COMPARISONS = Set.of("$eq", "$ne", "$gt", "$gte", "$lt", "$lte");
    private static final String FIELD_OPERATORS = "$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists, $not";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final ObjectMapper MAPS = new ObjectMapper();

    /** Device fields a filter may name: a member matches when any of its devices does. */
    public static final Set<String> DEVICE_FIELDS = Set.of("devices.platform", "devices.app", "devices.lastSeen");

    /** What a field's values are: attribute values, member ids, or instants (ISO-8601 text, compared as dates). */
    private enum Values { ATTRIBUTE, ID, INSTANT }

    private int conditions;
    private int listValues;

    private MemberFilter() {
    }

    /** The MongoDB filter for a query filter received at {@value #DEFAULT_PATH}. */
    public static Document translate(JsonNode filter) {
        return translate(filter, DEFAULT_PATH);
    }

    /** The MongoDB filter for a query filter; {@code path} names where it was in the request, for error answers. */
    public static Document translate(JsonNode filter, String path) {
        if (filter == null || filter.isMissingNode() || filter.isNull()) {
            throw ApiException.badRequest(path, "a query needs a filter object ({} selects every member)");
        }
        return new MemberFilter().filter(filter, path, 1);
    }

    /** As {@link #translate(JsonNode)}, for a filter held as a map of JSON-like values. */
    public static Document translate(Map<String, ?> filter) {
        return translate(filter == null ? null : MAPS.valueToTree(filter), DEFAULT_PATH);
    }

    private Document filter(JsonNode node, String path, int depth) {
        if (!node.isObject()) {
            throw ApiException.badRequest(path, "a filter must be an object, found " + Attributes.kindOf(node));
        }
        if (depth > MAX_DEPTH) {
            throw ApiException.badRequest(path, "filters may nest at most " + MAX_DEPTH + " levels deep");
        }
        Document out = new Document();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            String at = child(path, name);
            if (name.startsWith("$")) {
                switch (name) {
                    case "$and", "$or" -> out.append(name, filters(field.getValue(), at, depth));
                    case "$not" -> throw ApiException.badRequest(at,
                            "operator $not applies to a field's operator expression, as in {\"age\": {\"$not\": {\"$gt\": 30}}}");
                    default -> throw ApiException.badRequest(at,
                            "operator " + name + " is not allowed here (allowed: $and, $or, attribute names, id, "
                                    + String.join(", ", DEVICE_FIELDS.stream().sorted().toList()) + ")");
                }
            } else if (name.equals("id")) {
                out.append("_id", condition(field.getValue(), at, depth, Values.ID));
            } else if (DEVICE_FIELDS.contains(name)) {
                out.append(name, condition(field.getValue(), at, depth,
                        name.equals("devices.lastSeen") ? Values.INSTANT : Values.ATTRIBUTE));
            } else if (Attributes.isValidName(name)) {
                out.append("attributes." + name, condition(field.getValue(), at, depth, Values.ATTRIBUTE));
            } else {
                throw ApiException.badRequest(at, "attribute name \"" + shorten(name) + "\" is not allowed: a name " + Attributes.NAME_RULE);
            }
        }
        return out;
    }

    private List<Document> filters(JsonNode node, String path, int depth) {
        String operator = path.substring(path.lastIndexOf('.') + 1);
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest(path, "operator " + operator + " takes a non-empty array of filters, found "
                    + (node.isArray() ? "an empty array" : Attributes.kindOf(node)));
        }
        List<Document> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(filter(node.get(i), path + "[" + i + "]", depth + 1));
        }
        return out;
    }

    private Object condition(JsonNode value, String path, int depth, Values id) {
        if (value.isObject()) {
            return expression(value, path, depth, id);
        }
        if (value.isArray()) {
            throw ApiException.badRequest(path, "an array is only allowed as the list of $in or $nin");
        }
        count(path);
        return scalar(value, path, id);
    }

    private Document expression(JsonNode node, String path, int depth, Values id) {
        if (node.isEmpty()) {
            throw ApiException.badRequest(path, "an empty operator expression; write a value or {\"$eq\": value}");
        }
        if (depth > MAX_DEPTH) {
            throw ApiException.badRequest(path, "filters may nest at most " + MAX_DEPTH + " levels deep");
        }
        Document out = new Document();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String operator = entry.getKey();
            JsonNode value = entry.getValue();
            String at = child(path, operator);
            if (COMPARISONS.contains(operator)) {
                count(at);
                if (value.isContainerNode()) {
                    throw ApiException.badRequest(at, "operator " + operator + " takes a string, number, boolean or null, found "
                            + Attributes.kindOf(value));
                }
                out.append(operator, scalar(value, at, id));
            } else if (operator.equals("$in") || operator.equals("$nin")) {
                count(at);
                out.append(operator, list(operator, value, at, id));
            } else if (operator.equals("$exists")) {
                count(at);
                if (!value.isBoolean()) {
                    throw ApiException.badRequest(at, "operator $exists takes true or false, found " + Attributes.kindOf(value));
                }
                out.append(operator, value.booleanValue());
            } else if (operator.equals("$not")) {
                if (!value.isObject()) {
                    throw ApiException.badRequest(at, "operator $not takes an operator expression such as {\"$gt\": 30}, found "
                            + Attributes.kindOf(value));
                }
                out.append(operator, expression(value, at, depth + 1, id));
            } else if (operator.startsWith("$")) {
                throw ApiException.badRequest(at, "operator " + operator + " is not allowed (allowed: " + FIELD_OPERATORS + ")");
            } else {
                // A nested document as a value: refused, so that it cannot carry an operator inside.
                throw ApiException.badRequest(path, "expected an operator (" + FIELD_OPERATORS + ") or a plain value, found an object with field \""
                        + shorten(operator) + "\"");
            }
        }
        return out;
    }

    private List<Object> list(String operator, JsonNode node, String path, Values id) {
        if (!node.isArray()) {
            throw ApiException.badRequest(path, "operator " + operator + " takes an array of values, found " + Attributes.kindOf(node));
        }
        if (node.size() > MAX_LIST) {
            throw ApiException.badRequest(path, "operator " + operator + " takes at most " + MAX_LIST + " values, found " + node.size());
        }
        listValues += node.size();
        if (listValues > MAX_LIST_VALUES) {
            throw ApiException.badRequest(path, "a filter may hold at most " + MAX_LIST_VALUES + " values in all its $in and $nin lists");
        }
        List<Object> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String at = path + "[" + i + "]";
            if (item.isContainerNode()) {
                throw ApiException.badRequest(at, "operator " + operator + " takes strings, numbers, booleans or null, found "
                        + Attributes.kindOf(item));
            }
            out.add(scalar(item, at, id));
        }
        return out;
    }

    private static Object scalar(JsonNode value, String path, Values id) {
        if (value.isTextual() && value.textValue().length() > MAX_STRING) {
            throw ApiException.badRequest(path, "a string may be at most " + MAX_STRING + " characters long");
        }
        if (id == Values.INSTANT) {
            if (value.isNull()) {
                return null;
            }
            try {
                return java.util.Date.from(java.time.Instant.parse(value.asText()));
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.badRequest(path, "an instant is ISO-8601 text such as 2026-01-31T12:00:00Z, found "
                        + (value.isTextual() ? "\"" + shorten(value.textValue()) + "\"" : Attributes.kindOf(value)));
            }
        }
        if (id == Values.ID) {
            if (value.isTextual()) {
                return value.textValue();
            }
            if (value.isIntegralNumber()) {
                return value.bigIntegerValue().toString();
            }
            throw ApiException.badRequest(path, "a member id is a string, found " + Attributes.kindOf(value));
        }
        try {
            return Attributes.scalar(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(path, e.getMessage());
        }
    }

    private void count(String path) {
        if (++conditions > MAX_CONDITIONS) {
            throw ApiException.badRequest(path, "a filter may hold at most " + MAX_CONDITIONS + " conditions");
        }
    }

    /** The path of a key: dotted when the key is a plain word or operator, else quoted in brackets. */
    private static String child(String path, String name) {
        if (PLAIN_NAME.matcher(name).matches() || (name.startsWith("$") && PLAIN_NAME.matcher(name.substring(1)).matches())) {
            return path + "." + name;
        }
        return path + "[\"" + shorten(name).replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
