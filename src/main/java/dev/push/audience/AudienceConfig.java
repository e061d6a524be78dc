package dev.push.audience;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Audiences. */
@ConfigMapping(prefix = "push.audience")
public interface AudienceConfig {
    /** Time a dry count of a query audience may take ({@link QueryCount}). */
    @WithDefault("2s")
    Duration countTimeout();

    /** Member ids a query scan reads per query of an id range ({@link QueryScan}). */
    @WithDefault("10000")
    int scanBatch();
}
