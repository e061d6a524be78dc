package dev.push.member;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * A device as an app back end or an import line gives it, checked field by field:
 * {@code {"channel": "fcm"|"apns"|"webpush", "token": "…" (fcm, apns), "subscription": {…} (webpush: the browser's
 * {@code PushSubscription.toJSON()}, or its JSON text), "app", "platform", "locale"}}; an import line also carries the
 * device's {@code id} and may carry {@code lastSeen} (an ISO-8601 instant) and {@code active}. Unknown fields are
 * refused, so a typo does not drop data. A refusal names the field ({@link Refused}).
 */
public final class DeviceInput {
    public static final int MAX_TOKEN = Addresses.MAX_LENGTH;
    public static final int MAX_LABEL = 128;
    private static final Set<String> FIELDS = Set.of("channel", "token", "subscription", "app", "platform", "locale");
    private static final Set<String> IMPORT_FIELDS = Set.of("id", "channel", "token", "subscription", "app", "platform",
            "locale", "lastSeen", "active");

    private DeviceInput() {
    }

    /** Bad device input: the field (relative to the device) and what is wrong with it. */
    public static final class Refused extends RuntimeException {
        private final String field;

        Refused(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** A device registered through the API under {@code id}, seen at {@code now}. */
    public static Device registered(String id, JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw new Refused("body", "must be a device object {\"channel\", \"token\" or \"subscription\", \"app\", \"platform\", \"locale\"}");
        }
        known(body, FIELDS);
        return device(checkedId(id, "deviceId"), body, now, true);
    }

    /** A device of an import line; {@code lastSeen} defaults to {@code now}, {@code active} to true. */
    static Device imported(JsonNode node, Instant now) {
        if (!node.isObject()) {
            throw new Refused("", "a device must be an object, found " + Attributes.kindOf(node));
        }
        known(node, IMPORT_FIELDS);
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual()) {
            throw new Refused("id", "is required: a string " + MemberId.RULE);
        }
        Instant seen = now;
        JsonNode lastSeen = node.get("lastSeen");
        if (lastSeen != null && !lastSeen.isNull()) {
            try {
                seen = Instant.parse(lastSeen.asText());
            } catch (DateTimeParseException e) {
                throw new Refused("lastSeen", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
        }
        JsonNode active = node.get("active");
        if (active != null && !active.isNull() && !active.isBoolean()) {
            throw new Refused("active", "must be true or false");
        }
        return device(checkedId(id.textValue(), "id"), node, seen, active == null || active.isNull() || active.booleanValue());
    }

    private static void known(JsonNode node, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refused(NdjsonMembers.shorten(name), "is not a device field (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String checkedId(String id, String field) {
        if (!MemberId.isValid(id)) {
            throw new Refused(field, MemberId.RULE);
        }
        return id;
    }

    private static Device device(String id, JsonNode node, Instant seen, boolean active) {
        JsonNode ch = node.get("channel");
        if (ch == null || !ch.isTextual() || !Device.CHANNELS.contains(ch.textValue())) {
            throw new Refused("channel", (ch == null || ch.isNull() ? "is required" : "unknown channel "
                    + (ch.isTextual() ? "\"" + NdjsonMembers.shorten(ch.textValue()) + "\"" : Attributes.kindOf(ch)))
                    + " (allowed: " + String.join(", ", Device.CHANNELS) + ")");
        }
        String channel = ch.textValue();
        String token = null;
        String subscription = null;
        if (Device.WEBPUSH.equals(channel)) {
            if (node.has("token")) {
                throw new Refused("token", "a webpush device has a subscription, not a token");
            }
            subscription = subscription(node.get("subscription"));
        } else {
            if (node.has("subscription")) {
                throw new Refused("subscription", "only a webpush device has a subscription; a " + channel + " device has a token");
            }
            JsonNode t = node.get("token");
            if (t == null || !t.isTextual() || t.textValue().isEmpty()) {
                throw new Refused("token", "is required for a " + channel + " device: the provider's registration token");
            }
            if (t.textValue().length() > MAX_TOKEN) {
                throw new Refused("token", "is longer than " + MAX_TOKEN + " characters");
            }
            token = t.textValue();
        }
        return new Device(id, channel, token, subscription, label(node, "app"), label(node, "platform"),
                label(node, "locale"), seen, active);
    }

    /** The subscription's JSON text, checked whole: a campaign must be able to encrypt for it. */
    private static String subscription(JsonNode s) {
        if (s == null || s.isNull()) {
            throw new Refused("subscription", "is required for a webpush device: the browser's PushSubscription.toJSON()");
        }
        if (!s.isObject() && !s.isTextual()) {
            throw new Refused("subscription", "must be an object, found " + Attributes.kindOf(s));
        }
        String text = s.isTextual() ? s.textValue() : s.toString();
        if (text.length() > MAX_TOKEN) {
            throw new Refused("subscription", "is longer than " + MAX_TOKEN + " characters");
        }
        try {
            PushSubscription.parse(text);
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage();
            String field = reason.startsWith("keys.") ? "subscription." + reason.substring(0, reason.indexOf(' '))
                    : reason.startsWith("keys") ? "subscription.keys"
                    : reason.startsWith("endpoint") ? "subscription.endpoint" : "subscription";
            throw new Refused(field, reason);
        }
        return text;
    }

    private static String label(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > MAX_LABEL) {
            throw new Refused(field, "must be a string of 1 to " + MAX_LABEL + " characters");
        }
        return v.textValue();
    }
}
