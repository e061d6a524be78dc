package dev.push.time;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The wall clock this process reads (see {@link WallClock}). */
@ConfigMapping(prefix = "push.clock")
public interface ClockConfig {
    /**
     * Shifts this process's wall clock, for fault tests that run instances whose clocks disagree
     * (clock skew). Leave it at 0 in production; a start with another value logs a warning.
     */
    @WithDefault("0s")
    Duration offset();
}
