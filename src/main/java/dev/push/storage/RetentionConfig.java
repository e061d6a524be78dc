package dev.push.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long what no one removes stays: each {@link RetentionRule} reads its age here. How often the
 * rules run, {@code push.retention.sweep-every}, is read by the scheduler ({@link RetentionSweep}).
 */
@ConfigMapping(prefix = "push.retention")
public interface RetentionConfig {
    /** Audit entries older than this go (also the expiry of the TTL index on {@code audit.at}). */
    @WithDefault("P400D")
    Duration audit();

    /**
     * Triggered sends older than this go, and with them their {@code Idempotency-Key}: within it, the same key
     * answers the first send (also the expiry of the TTL index on {@code sends.at}).
     */
    @WithDefault("P1D")
    Duration sends();

    /** Instances silent for this long go. */
    @WithDefault("1h")
    Duration instances();

    /** Worker slots silent for this long go. */
    @WithDefault("1h")
    Duration workerSlots();
}
