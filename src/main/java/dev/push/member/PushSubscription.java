package dev.push.member;

import dev.push.api.HttpUrl;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * A browser's push subscription as {@code PushSubscription.toJSON()} gives it, stored as the member's {@code webpush}
 * address: {@code {"endpoint": "https://…", "keys": {"p256dh": "<base64url>", "auth": "<base64url>"}}}. Checked
 * whole at import, so a campaign finds only subscriptions it can encrypt for.
 */
public record PushSubscription(String endpoint, byte[] p256dh, byte[] auth) {
    /** An uncompressed P-256 point. */
    private static final int P256DH_BYTES = 65;
    private static final int AUTH_BYTES = 16;

    /** The subscription in an address; throws IllegalArgumentException naming what is wrong. */
    public static PushSubscription parse(String address) {
        JsonObject json;
        try {
            json = new JsonObject(address);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("is not a push subscription (JSON with endpoint and keys)");
        }
        Object endpoint = json.getValue("endpoint");
        if (!(endpoint instanceof String url) || !HttpUrl.isValid(url)) {
            throw new IllegalArgumentException("endpoint must be an https:// URL (the push service's)");
        }
        Object keys = json.getValue("keys");
        if (!(keys instanceof JsonObject k)) {
            throw new IllegalArgumentException("keys are missing (p256dh and auth)");
        }
        return new PushSubscription(url, key(k, "p256dh", P256DH_BYTES), key(k, "auth", AUTH_BYTES));
    }

    private static byte[] key(JsonObject keys, String name, int length) {
        Object value = keys.getValue(name);
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("keys." + name + " is missing");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(s.replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keys." + name + " is not base64url");
        }
        if (bytes.length != length) {
            throw new IllegalArgumentException("keys." + name + " must be " + length + " bytes, not " + bytes.length);
        }
        return bytes;
    }
}
