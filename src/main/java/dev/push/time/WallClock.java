package dev.push.time;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * The one wall clock time-based features read ({@code @Inject Clock}): the system clock, shifted
 * by {@code push.clock.offset} where a fault test asks for it. Nothing compares one instance's
 * wall clock with another's: liveness is judged by whether values change, timed by the judge's
 * own monotonic clock (see {@code dev.push.engine.Liveness}).
 */
@ApplicationScoped
public class WallClock {
    private static final Logger LOG = Logger.getLogger(WallClock.class);

    @Inject
    ClockConfig config;

    @Produces
    @Singleton
    Clock clock() {
        return config.offset().isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), config.offset());
    }

    void warnIfShifted(@Observes StartupEvent event) {
        if (!config.offset().isZero()) {
            LOG.warnf("this process's wall clock is shifted by %s (push.clock.offset): for fault tests only",
                    config.offset());
        }
    }
}
