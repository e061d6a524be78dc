package dev.push.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the master and its workers pace themselves. */
@ConfigMapping(prefix = "push.engine")
public interface EngineConfig {
    /** How often the master runs: heartbeats, worker distribution, finish and reboot checks. */
    @WithDefault("1s")
    Duration tick();

    /** A worker or instance not heard from for this long is presumed dead. */
    @WithDefault("3s")
    Duration heartbeatTimeout();

    /** A unit lease not renewed for this long may be taken over by another worker. */
    @WithDefault("10s")
    Duration leaseTimeout();

    /** Whether this instance runs workers at all (false: API and console only). */
    @WithDefault("true")
    boolean enabled();
}
