package dev.push.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the API's routes. */
@ConfigMapping(prefix = "push.api")
public interface ApiConfig {
    /** Largest body a route reads whole (see {@link BodyLimit}). */
    @WithDefault("4M")
    MemorySize maxJsonBody();
}
