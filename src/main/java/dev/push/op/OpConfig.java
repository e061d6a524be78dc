package dev.push.op;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The op-compatible API. */
@ConfigMapping(prefix = "push.op")
public interface OpConfig {
    /** The channel the campaigns created through {@code /project/*} push on. */
    @WithDefault("log")
    String channel();
}
