package dev.push.channel.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code X-Push-Signature} header: {@code sha256=} and the hex HMAC-SHA256 of the exact body
 * bytes under the channel's secret. A receiver recomputes it over the raw body and compares.
 */
public final class Signature {
    public static final String HEADER = "X-Push-Signature";

    private final SecretKeySpec key;

    public Signature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String of(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "Signature[HmacSHA256]";
    }
}
