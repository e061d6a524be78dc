package dev.push.send;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long a triggered send takes from its request reaching the REST layer (before its body is read) to its channel's
 * answer for every member it handed over: the latency an app back end waits for, as a histogram
 * ({@code push_sends_handoff_seconds}; p50 and p99 by {@code histogram_quantile}). It leaves out what comes after the
 * handoff (the outcome's write and the answer) and what comes before the REST layer (the connection and the
 * authentication). A key given again and a send whose every member was skipped hand nothing over and are not timed.
 */
@Singleton
public class HandoffLatency {
    static final String ARRIVED = "push.sends.arrived";

    private final Timer timer;

    HandoffLatency(MeterRegistry registry) {
        timer = Timer.builder("push.sends.handoff")
                .description("Triggered sends: from the request reaching the REST layer to the channel's handoff")
                .publishPercentileHistogram()
                // Buckets bounded exactly at the latency targets of docs/sends.md: the share of sends within each is exact.
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(50))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Notes when a send's request arrived: before matching, so the body's reading and the worker hop are counted. */
    @ServerRequestFilter(preMatching = true)
    void arrived(RoutingContext rc) {
        if (HttpMethod.POST.equals(rc.request().method()) && SendResource.PATH.equals(rc.normalizedPath())) {
            rc.put(ARRIVED, System.nanoTime());
        }
    }

    /** The request's arrival as {@link #arrived} noted it, or null (a send made without that filter having run). */
    static Long arrivalOf(RoutingContext rc) {
        return rc == null ? null : rc.get(ARRIVED);
    }

    void handedOff(Long arrivedNanos) {
        if (arrivedNanos != null) {
            timer.record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS);
        }
    }
}
