package dev.push.op;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;

/**
 * The JSON body of an op call with typed, validated reads. Every problem is an {@link OpRefusal}
 * naming the field. Numbers may come as JSON numbers or decimal strings, and booleans as
 * {@code true/false} or {@code 1/0}: consoles of the replaced system send both.
 */
public final class OpRequest {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 500;

    private final ObjectNode body;

    private OpRequest(ObjectNode body) {
        this.body = body;
    }

    public static OpRequest parse(ObjectMapper json, String text) {
        if (text == null || text.isBlank()) {
            return new OpRequest(json.createObjectNode());
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new OpRefusal("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new OpRefusal("body must be a JSON object");
        }
        return new OpRequest((ObjectNode) node);
    }

    public boolean has(String field) {
        JsonNode n = body.get(field);
        return n != null && !n.isNull();
    }

    public JsonNode node(String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** A required id: a positive 64-bit integer. */
    public long id(String field) {
        Long v = optionalLong(field, 1, Long.MAX_VALUE);
        if (v == null) {
            throw new OpRefusal(field + ": is required (a positive integer)");
        }
        return v;
    }

    public Long optionalLong(String field, long min, long max) {
        JsonNode n = node(field);
        if (n == null) {
            return null;
        }
        BigInteger v = integer(n);
        if (v == null) {
            throw new OpRefusal(field + ": must be an integer");
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new OpRefusal(field + ": must be " + range(min, max) + ", was " + v);
        }
        return v.longValue();
    }

    public Integer optionalInt(String field, int min, int max) {
        Long v = optionalLong(field, min, max);
        return v == null ? null : v.intValue();
    }

    public int intOr(String field, int min, int max, int fallback) {
        Integer v = optionalInt(field, min, max);
        return v == null ? fallback : v;
    }

    public int requiredInt(String field, int min, int max) {
        Integer v = optionalInt(field, min, max);
        if (v == null) {
            throw new OpRefusal(field + ": is required (" + range(min, max) + ")");
        }
        return v;
    }

    public Boolean optionalBoolean(String field) {
        JsonNode n = node(field);
        if (n == null) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        BigInteger v = integer(n);
        if (v != null && (v.equals(BigInteger.ZERO) || v.equals(BigInteger.ONE))) {
            return v.equals(BigInteger.ONE);
        }
        throw new OpRefusal(field + ": must be true, false, 1 or 0");
    }

    public String requiredText(String field) {
        JsonNode n = node(field);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new OpRefusal(field + ": is required (a non-empty string)");
        }
        return n.textValue();
    }

    public int offset() {
        return intOr("offset", 0, Integer.MAX_VALUE, 0);
    }

    public int limit() {
        return intOr("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    }

    private static BigInteger integer(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue();
        }
        if (n.isNumber() && n.decimalValue().stripTrailingZeros().scale() <= 0) {
            return n.decimalValue().toBigIntegerExact();
        }
        if (n.isTextual() && n.textValue().matches("-?[0-9]{1,30}")) {
            return new BigInteger(n.textValue());
        }
        return null;
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return min == 1 ? "a positive integer" : "an integer of at least " + min;
        }
        return "an integer from " + min + " to " + max;
    }
}
