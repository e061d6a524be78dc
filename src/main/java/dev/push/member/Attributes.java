package dev.push.member;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules for member attributes, shared by the import and by audience queries so that a value
 * stored by one compares equal to the same value written in the other.
 *
 * <p>Names are 1 to 64 characters from {@code [A-Za-z0-9_-]}: always safe as a MongoDB field name
 * (no {@code $} prefix, no dot). Values are JSON scalars (string, number, boolean, null) or arrays
 * of scalars. Integers are stored as 32-bit when they fit, else 64-bit; other numbers as doubles.
 */
public final class Attributes {
    public static final String NAME_RULE = "must be 1 to 64 characters from [A-Za-z0-9_-]";
    public static final String VALUE_RULE = "must be a string, number, boolean, null or an array of those";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Attributes() {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The stored form of an attribute value; throws IllegalArgumentException with the reason when it is not allowed. */
    public static Object value(JsonNode node) {
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                if (item.isContainerNode()) {
                    throw new IllegalArgumentException("an array may only hold strings, numbers, booleans and nulls, found " + kindOf(item) + " in it");
                }
                items.add(scalar(item));
            }
            return items;
        }
        return scalar(node);
    }

    /** The stored form of a JSON scalar; throws IllegalArgumentException for objects, arrays and out-of-range numbers. */
    public static Object scalar(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            BigInteger big = node.bigIntegerValue();
            if (big.compareTo(LONG_MIN) < 0 || big.compareTo(LONG_MAX) > 0) {
                throw new IllegalArgumentException("integer " + big + " is out of the 64-bit range");
            }
            return integer(big.longValue());
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isInfinite(d)) {
                throw new IllegalArgumentException("number " + node.asText() + " is out of range");
            }
            return d;
        }
        throw new IllegalArgumentException(VALUE_RULE + ", found " + kindOf(node));
    }

    /** How a JSON value is named in a reason given to a client. */
    public static String kindOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    static Object integer(long value) {
        return value == (int) value ? (Object) (int) value : (Object) value;
    }
}
