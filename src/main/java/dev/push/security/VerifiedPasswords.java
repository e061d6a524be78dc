package dev.push.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Passwords this process has recently found to match a user's stored bcrypt hash, so that a script calling the API
 * with HTTP Basic pays one bcrypt verification (about 100 ms of a core) per minute rather than per request.
 * <p>
 * What is remembered is an HMAC, under a key made at start and never stored, of the user name, the stored hash and
 * the password: no password is kept, and a changed or deleted user's stored hash no longer matches, so nothing stale
 * is honoured. Only successes are remembered: every wrong password still costs a full bcrypt verification.
 */
final class VerifiedPasswords {
    static final Duration REMEMBERED_FOR = Duration.ofMinutes(1);
    static final int CAPACITY = 1_024;

    private final SecretKeySpec key;
    private final LongSupplier nanoTime;
    private final Map<String, Long> verifiedAt = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CAPACITY;
        }
    };

    VerifiedPasswords(LongSupplier nanoTime) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.nanoTime = nanoTime;
    }

    /** Whether this password was found to match this stored hash less than {@link #REMEMBERED_FOR} ago. */
    synchronized boolean recentlyVerified(String name, String storedHash, String password) {
        String k = fingerprint(name, storedHash, password);
        Long at = verifiedAt.get(k);
        if (at == null) {
            return false;
        }
        if (nanoTime.getAsLong() - at >= REMEMBERED_FOR.toNanos()) {
            verifiedAt.remove(k);
            return false;
        }
        return true;
    }

    synchronized void verified(String name, String storedHash, String password) {
        verifiedAt.put(fingerprint(name, storedHash, password), nanoTime.getAsLong());
    }

    private String fingerprint(String name, String storedHash, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String part : new String[] {name, storedHash, password}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update((byte) (bytes.length >>> 24));
                mac.update((byte) (bytes.length >>> 16));
                mac.update((byte) (bytes.length >>> 8));
                mac.update((byte) bytes.length);
                mac.update(bytes);
            }
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
