package dev.push.time;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.LocalTime;
import java.util.Optional;

/**
 * When members may be sent: the zone of members without one, and the global quiet hours, which a campaign may
 * override (docs/timing.md). Both bounds or neither.
 */
@ConfigMapping(prefix = "push.timing")
public interface TimingConfig {
    /** The zone of members without a {@code timezone} of their own, unless the campaign names another. */
    @WithDefault("UTC")
    String defaultZone();

    /** Start of the quiet hours in member-local time (e.g. 21:00); none by default. */
    Optional<LocalTime> quietStart();

    /** End of the quiet hours in member-local time (e.g. 08:00). */
    Optional<LocalTime> quietEnd();
}
