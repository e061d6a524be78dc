package dev.push.security;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The user {@code admin} created at first start (see {@link Users}). */
@ConfigMapping(prefix = "push.admin")
public interface AdminConfig {
    /** Its password; without one, a generated password is logged once. A secret. */
    Optional<String> password();
}
