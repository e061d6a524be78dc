package dev.push.channel.config;

import dev.push.api.ApiException;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CredentialCipherTest {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void sealedCredentialsOpenOnlyForTheirChannel() {
        CredentialCipher cipher = new CredentialCipher(Optional.of(KEY));
        Document sealed = cipher.seal("hook", Map.of("secret", "s3cr3t-value"));

        assertFalse(sealed.toJson().contains("s3cr3t"), "no clear text at rest");
        assertEquals(Map.of("secret", "s3cr3t-value"), cipher.open("hook", sealed));
        IllegalStateException moved = assertThrows(IllegalStateException.class, () -> cipher.open("other", sealed));
        assertFalse(moved.getMessage().contains("s3cr3t"));
    }

    @Test
    void credentialsAreRefusedWhenNoKeyIsConfigured() {
        CredentialCipher cipher = new CredentialCipher(Optional.empty());

        ApiException refused = assertThrows(ApiException.class, () -> cipher.seal("hook", Map.of("secret", "x")));

        assertEquals(400, refused.status);
        assertEquals("credentials cannot be stored: no encryption key is configured: set push.credentials.key"
                + " to the base64 of a random 32-byte key", refused.getMessage());
    }

    @Test
    void aKeyOfTheWrongLengthIsRefused() {
        CredentialCipher cipher = new CredentialCipher(Optional.of(Base64.getEncoder().encodeToString(new byte[10])));

        ApiException refused = assertThrows(ApiException.class, () -> cipher.seal("hook", Map.of("secret", "x")));

        assertEquals("credentials cannot be stored: push.credentials.key must decode to 16, 24 or 32 bytes, not 10",
                refused.getMessage());
    }
}
