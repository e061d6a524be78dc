package dev.push.channel.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The key sealing channel credentials at rest ({@link CredentialCipher}). */
@ConfigMapping(prefix = "push.credentials")
public interface CredentialsConfig {
    /** Base64 of 16, 24 or 32 random bytes. A secret. */
    Optional<String> key();
}
