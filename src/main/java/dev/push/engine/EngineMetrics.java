package dev.push.engine;

import dev.push.channel.Outcome;
import dev.push.task.RateMeter;
import dev.push.task.Task;
import dev.push.task.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Prometheus scrapes at /q/metrics beyond the JVM and HTTP metrics: deliveries by
 * campaign, channel and outcome; channel latency; tasks by state; observed rates; workers and
 * instances; lease take-overs and reboots. MongoDB command latency comes from the driver.
 */
@ApplicationScoped
public class EngineMetrics {
    @Inject
    MeterRegistry registry;

    @Inject
    MasterLoop loop;

    @Inject
    RateMeter rates;

    @Inject
    WorkerThreads workerThreads;

    private final Map<Long, Boolean> rateGauges = new ConcurrentHashMap<>();

    void register(@Observes StartupEvent event) {
        for (TaskState state : TaskState.values()) {
            Gauge.builder("push.tasks", () -> Task.count("state", state.wire())).tag("state", state.wire())
                    .description("Tasks (audiences and campaigns) by state").register(registry);
        }
        Gauge.builder("push.instances.live", () -> loop.master().liveInstances().size())
                .description("Service instances heart-beating").register(registry);
        Gauge.builder("push.workers.local", () -> loop.master().localWorkers().size())
                .description("Workers running on this instance").register(registry);
        Gauge.builder("push.workers.live", () -> WorkerSlot.<WorkerSlot>mongoCollection().find()
                        .into(new java.util.ArrayList<>()).stream().filter(loop.master()::live).count())
                .description("Workers heart-beating across the cluster").register(registry);
        workerThreads.nice().ifPresent(nice -> Gauge.builder("push.workers.nice", () -> nice)
                .description("The nice value workers run at while triggered sends are served (requests: the process's)")
                .register(registry));
    }

    /** Counts a sub-batch's outcomes. */
    public void delivered(long campaign, String channel, List<Outcome> outcomes) {
        int sent = 0;
        int failed = 0;
        int skipped = 0;
        for (Outcome o : outcomes) {
            switch (o.status()) {
                case SENT -> sent++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        count(campaign, channel, "sent", sent);
        count(campaign, channel, "failed", failed);
        count(campaign, channel, "skipped", skipped);
        observeRate(campaign);
    }

    /** Members marked unknown when a chunk was taken over. */
    public void unknown(long campaign, String channel, int n) {
        count(campaign, channel, "unknown", n);
    }

    private void count(long campaign, String channel, String outcome, int n) {
        if (n > 0) {
            Counter.builder("push.deliveries").tag("campaign", String.valueOf(campaign)).tag("channel", channel)
                    .tag("outcome", outcome).description("Per-member delivery outcomes").register(registry).increment(n);
        }
    }

    public Timer.Sample startSend() {
        return Timer.start(registry);
    }

    public void sent(Timer.Sample sample, String channel) {
        sample.stop(Timer.builder("push.channel.send").tag("channel", channel)
                .description("Time a channel takes for one sub-batch").register(registry));
    }

    public void leaseTakenOver(String kind) {
        Counter.builder("push.lease.takeovers").tag("kind", kind)
                .description("Units leased after another worker's lease expired").register(registry).increment();
    }

    public void reboot() {
        Counter.builder("push.reboots").description("Tasks turned to reboot after a worker stopped heart-beating")
                .register(registry).increment();
    }

    private void observeRate(long task) {
        rateGauges.computeIfAbsent(task, t -> {
            Gauge.builder("push.rate.observed", () -> {
                Double r = rates.observed(t, System.currentTimeMillis());
                return r == null ? 0 : r;
            }).tag("task", String.valueOf(t)).description("Members per second over the last 10 s").register(registry);
            return true;
        });
    }
}
