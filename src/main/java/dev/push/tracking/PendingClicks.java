package dev.push.tracking;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clicks the redirect answered, held in memory and written by {@link Engagements} in one batch a second, so a
 * redirect never waits on the database. A graceful stop writes what is pending before the database closes; a click
 * answered after that is written at once. A crash loses at most the last second's clicks.
 */
@ApplicationScoped
public class PendingClicks {
    private static final Logger LOG = Logger.getLogger(PendingClicks.class);

    /** A redirect answered: a member's click, or a link-preview fetch (counted apart, not as the member's click). */
    record Click(long campaign, String member, int variant, long at, boolean preview) {
    }

    @Inject
    Engagements engagements;

    @Inject
    MeterRegistry registry;

    /** First clicks this instance has written, so a member's later clicks skip the insert the key would refuse. */
    static final int KNOWN_FIRSTS = 1_000_000;

    private final ConcurrentLinkedQueue<Click> pending = new ConcurrentLinkedQueue<>();
    private final Set<String> knownFirsts = ConcurrentHashMap.newKeySet();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean stopped;

    void add(Click click) {
        pending.add(click);
        if (stopped) {
            flush();
        }
    }

    /** Clicks (previews included) written to the database since start. */
    public long written() {
        return written.get();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void everySecond() {
        try {
            flush();
        } catch (RuntimeException e) {
            // The batch stays pending and is tried again next second.
            LOG.warnf("could not write clicks: %s", e.getMessage());
        }
    }

    // Before the embedded database closes (it observes ShutdownEvent at PLATFORM_AFTER + 1000).
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        stopped = true;
        long before = written.get();
        flush();
        LOG.infof("stopping: wrote %d clicks still pending", written.get() - before);
    }

    /** Writes every pending click: first clicks per member as events, every click and preview in the hour counters. */
    synchronized void flush() {
        List<Click> batch = new ArrayList<>();
        for (Click c; (c = pending.peek()) != null && batch.size() < 100_000; ) {
            batch.add(pending.poll());
        }
        if (batch.isEmpty()) {
            return;
        }
        Map<String, Engagement> firsts = new LinkedHashMap<>();
        Map<String, Engagements.HourCount> counts = new HashMap<>();
        for (Click c : batch) {
            String counter = c.preview() ? Engagements.PREVIEWS : Engagements.CLICKS;
            counts.merge(Engagements.hourKey(c.campaign(), c.at()) + counter,
                    new Engagements.HourCount(c.campaign(), c.at(), counter, 1),
                    (a, b) -> new Engagements.HourCount(a.campaign(), a.at(), counter, a.n() + b.n()));
            String key = Engagement.key(c.campaign(), Engagement.CLICKED, c.member());
            if (!c.preview() && !knownFirsts.contains(key)) {
                firsts.putIfAbsent(key, new Engagement(c.campaign(), c.member(), Engagement.CLICKED, c.at(), null, c.variant()));
            }
        }
        long t0 = System.nanoTime();
        try {
            engagements.record(new ArrayList<>(firsts.values()), counts.values());
            if (knownFirsts.size() + firsts.size() > KNOWN_FIRSTS) {
                knownFirsts.clear();
            }
            knownFirsts.addAll(firsts.keySet());
            // What recording clicks costs the database, for the benchmark and for operators.
            registry.timer("push.tracking.click.writes").record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            registry.counter("push.tracking.clicks.written").increment(batch.size());
        } catch (RuntimeException e) {
            // Put back, so nothing is lost; a repeated first click is recognized by its key.
            pending.addAll(batch);
            throw e;
        }
        written.addAndGet(batch.size());
    }
}
