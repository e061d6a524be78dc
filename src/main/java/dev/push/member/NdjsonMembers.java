package dev.push.member;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One member a line as JSON: {@code {"id": "…", "attributes": {…}, "addresses": {"webhook", "email", "fcm", "apns", "webpush"},
 * "optOut": ["promotions"…], "devices": [{"id", "channel", "token" or "subscription", "app", "platform", "locale",
 * "lastSeen", "active"}…]}} ({@link OptOutField}; {@code webpush}: a browser's push subscription, as an object or its
 * JSON text; {@link DeviceInput}: a line's devices replace the member's, a line without leaves them as they are).
 * Unknown fields are refused rather than ignored, so a typo ("adresses") does not silently drop data.
 * An integral JSON number is accepted as an id and stored as its decimal text.
 */
final class NdjsonMembers implements MemberLines {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern START_MARKER = Pattern.compile("\\s*\\(start marker at \\[Source: .*?]\\)");

    private final Set<String> categories;
    private final int maxDevices;
    private final Clock clock;

    NdjsonMembers(Set<String> categories, int maxDevices, Clock clock) {
        this.categories = categories;
        this.maxDevices = maxDevices;
        this.clock = clock;
    }

    @Override
    public Member read(String line) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RejectedLine(badJson(e));
        }
        if (!node.isObject()) {
            throw new RejectedLine("a line must be a JSON object, found " + kind(node));
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("id") && !name.equals("attributes") && !name.equals("addresses") && !name.equals(OptOutField.NAME)
                    && !name.equals(TimeZoneField.NAME) && !name.equals("devices")) {
                throw new RejectedLine("unknown field \"" + name + "\" (allowed: id, attributes, addresses, devices, optOut, timezone)");
            }
        }
        return new Member(id(node.get("id")), attributes(node.get("attributes")), addresses(node.get("addresses")),
                timezone(node.get(TimeZoneField.NAME)), null, optOut(node.get(OptOutField.NAME)), devices(node.get("devices")));
    }

    private static String timezone(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RejectedLine(TimeZoneField.NAME + " must be a string such as Europe/Paris, found " + kind(node));
        }
        return TimeZoneField.read(node.textValue());
    }

    /** The line's devices, replacing the member's; null (the member's devices kept) when the line has none. */
    private List<Device> devices(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new RejectedLine("devices must be an array of devices, found " + kind(node));
        }
        if (node.size() > maxDevices) {
            throw new RejectedLine("devices: " + node.size() + " devices, more than the " + maxDevices
                    + " a member may have (push.devices.max-per-member)");
        }
        List<Device> devices = new ArrayList<>(node.size());
        Set<String> ids = new java.util.HashSet<>();
        Instant now = clock.instant();
        for (int i = 0; i < node.size(); i++) {
            try {
                Device d = DeviceInput.imported(node.get(i), now);
                if (!ids.add(d.id())) {
                    throw new RejectedLine("devices[" + i + "].id: \"" + shorten(d.id()) + "\" is given twice");
                }
                devices.add(d);
            } catch (DeviceInput.Refused e) {
                throw new RejectedLine("devices[" + i + "]" + (e.field().isEmpty() ? "" : "." + e.field()) + ": " + e.getMessage());
            }
        }
        return devices;
    }

    private Set<String> optOut(JsonNode node) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (!node.isArray()) {
            throw new RejectedLine(OptOutField.NAME + " must be an array of categories, found " + kind(node));
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : node) {
            if (!v.isTextual()) {
                throw new RejectedLine(OptOutField.NAME + " must hold category names, found " + kind(v));
            }
            values.add(v.textValue());
        }
        return OptOutField.read(values, categories);
    }

    private static String id(JsonNode id) {
        if (id == null || id.isNull()) {
            throw new RejectedLine("missing id");
        }
        String text;
        if (id.isTextual()) {
            text = id.textValue();
        } else if (id.isIntegralNumber()) {
            text = id.bigIntegerValue().toString();
        } else {
            throw new RejectedLine("id must be a string, found " + kind(id));
        }
        if (!MemberId.isValid(text)) {
            throw new RejectedLine("id \"" + shorten(text) + "\" " + MemberId.RULE);
        }
        return text;
    }

    private static Map<String, Object> attributes(JsonNode attrs) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (attrs == null || attrs.isNull()) {
            return attributes;
        }
        if (!attrs.isObject()) {
            throw new RejectedLine("attributes must be an object, found " + kind(attrs));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attr = it.next();
            if (!Attributes.isValidName(attr.getKey())) {
                throw new RejectedLine("attribute name \"" + shorten(attr.getKey()) + "\" " + Attributes.NAME_RULE);
            }
            try {
                attributes.put(attr.getKey(), Attributes.value(attr.getValue()));
            } catch (IllegalArgumentException e) {
                throw new RejectedLine("attribute " + attr.getKey() + ": " + e.getMessage());
            }
        }
        return attributes;
    }

    private static Addresses addresses(JsonNode node) {
        Addresses addresses = Addresses.NONE;
        if (node == null || node.isNull()) {
            return addresses;
        }
        if (!node.isObject()) {
            throw new RejectedLine("addresses must be an object, found " + kind(node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String channel = entry.getKey();
            if (!Addresses.CHANNELS.contains(channel)) {
                throw new RejectedLine("unknown address \"" + shorten(channel) + "\" (allowed: " + String.join(", ", Addresses.CHANNELS) + ")");
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            // A browser's subscription may come as the object PushSubscription.toJSON() gives; it is kept as its JSON text.
            boolean subscription = channel.equals("webpush") && value.isObject();
            if (!value.isTextual() && !subscription) {
                throw new RejectedLine("address " + channel + " must be a string, found " + kind(value));
            }
            try {
                String text = subscription ? value.toString() : value.textValue();
                addresses = Addresses.with(addresses, channel, Addresses.check(channel, text));
            } catch (IllegalArgumentException e) {
                throw new RejectedLine(e.getMessage());
            }
        }
        return addresses;
    }

    private static String badJson(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            return "bad JSON: more than one value on the line";
        }
        // Jackson's own location text names an internal source; the column is what helps.
        message = START_MARKER.matcher(message).replaceAll("");
        long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        return "bad JSON" + (column > 0 ? " at column " + column : "") + ": " + message;
    }

    private static String kind(JsonNode node) {
        return Attributes.kindOf(node);
    }

    /** Echoes client input in a reason without letting one bad line blow up the answer's size. */
    static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
