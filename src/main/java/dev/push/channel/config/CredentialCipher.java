package dev.push.channel.config;

import dev.push.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.types.Binary;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Encrypts channel credentials at rest with AES-GCM under the key {@code push.credentials.key}
 * (base64 of 16, 24 or 32 bytes). The channel's name is the associated data, so a ciphertext
 * copied onto another channel does not decrypt. Without a key, credentials are refused rather
 * than stored in clear.
 */
@ApplicationScoped
public class CredentialCipher {
    static final String KEY_PROPERTY = "push.credentials.key";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyProblem;
    private final SecureRandom random = new SecureRandom();

    @Inject
    CredentialCipher(CredentialsConfig config) {
        this(config.key());
    }

    public CredentialCipher(Optional<String> base64Key) {
        SecretKeySpec k = null;
        String problem = null;
        if (base64Key.isEmpty() || base64Key.get().isBlank()) {
            problem = "no encryption key is configured: set " + KEY_PROPERTY + " to the base64 of a random 32-byte key";
        } else {
            try {
                byte[] raw = Base64.getDecoder().decode(base64Key.get().trim());
                if (raw.length == 16 || raw.length == 24 || raw.length == 32) {
                    k = new SecretKeySpec(raw, "AES");
                } else {
                    problem = KEY_PROPERTY + " must decode to 16, 24 or 32 bytes, not " + raw.length;
                }
            } catch (IllegalArgumentException e) {
                problem = KEY_PROPERTY + " is not valid base64";
            }
        }
        this.key = k;
        this.keyProblem = problem;
    }

    /** The stored form of a channel's credentials: {@code {iv, data}}; refuses when there is no usable key. */
    public Document seal(String channel, Map<String, String> credentials) {
        if (key == null) {
            throw new ApiException(400, "Bad request", "credentials cannot be stored: " + keyProblem,
                    java.util.List.of(new ApiException.FieldError("credentials", "cannot be stored: " + keyProblem)));
        }
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        Document plain = new Document();
        credentials.forEach(plain::append);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(channel.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.toJson().getBytes(StandardCharsets.UTF_8));
            return new Document("alg", "AES-GCM").append("iv", new Binary(iv)).append("data", new Binary(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The credentials of a stored channel; throws when the key is missing or is not the one they were sealed with. */
    public Map<String, String> open(String channel, Document sealed) {
        Map<String, String> out = new LinkedHashMap<>();
        if (sealed == null) {
            return out;
        }
        if (key == null) {
            throw new IllegalStateException("channel " + channel + " has credentials but " + keyProblem);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.get("iv", Binary.class).getData()));
            c.updateAAD(channel.getBytes(StandardCharsets.UTF_8));
            byte[] plain = c.doFinal(sealed.get("data", Binary.class).getData());
            Document d = Document.parse(new String(plain, StandardCharsets.UTF_8));
            d.forEach((name, value) -> out.put(name, (String) value));
            return out;
        } catch (GeneralSecurityException e) {
            // The message names no secret: only that the key does not fit.
            throw new IllegalStateException("credentials of channel " + channel
                    + " do not decrypt with the configured " + KEY_PROPERTY + " (was the key changed?)");
        }
    }
}
