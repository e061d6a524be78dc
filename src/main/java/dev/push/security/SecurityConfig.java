package dev.push.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Who may read the /q routes, console sessions, and failed-login limits (docs/configuration.md, "Security"). */
@ConfigMapping(prefix = "push.security")
public interface SecurityConfig {
    /** Whether {@code /q/metrics} needs a viewer. */
    @WithDefault("true")
    boolean metricsProtected();

    /** Whether {@code /q/openapi} and {@code /q/swagger-ui} need a viewer. */
    @WithDefault("true")
    boolean apiDocsProtected();

    /** A console session unseen for longer is over. */
    @WithDefault("PT8H")
    Duration sessionTimeout();

    /** Failed logins of one user within a minute before its logins get 429. */
    @WithDefault("5")
    int loginAttempts();

    /** Failed logins from one client address within a minute before its logins get 429. */
    @WithDefault("20")
    int loginAttemptsPerAddress();
}
