package dev.push.channel;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel for fault tests: delivers like the log channel, but when closed, the next send
 * hangs (as a send to a stuck provider would) until the gate opens again; later sends pass.
 */
@ApplicationScoped
public class GateChannel implements Channel {
    private final ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sends = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<List<String>> held = new CompletableFuture<>();

    @Override
    public String name() {
        return "gate";
    }

    @Override
    public String addressKind() {
        return null;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery d) {
        sends.incrementAndGet();
        List<String> ids = d.recipients().stream().map(Delivery.Recipient::memberId).toList();
        CompletableFuture<Void> g;
        synchronized (this) {
            g = gate;
            if (!g.isDone() && !held.complete(ids)) {
                g = CompletableFuture.completedFuture(null);
            }
        }
        return Uni.createFrom().completionStage(g.thenApplyAsync(x -> {
            List<Outcome> out = new ArrayList<>();
            for (String id : ids) {
                delivered.add(id);
                out.add(Outcome.sent(id));
            }
            return out;
        }, Infrastructure.getDefaultWorkerPool()));
    }

    public synchronized void close() {
        held = new CompletableFuture<>();
        gate = new CompletableFuture<>();
    }

    public void open() {
        gate.complete(null);
    }

    /** The members of the send that is hanging at the closed gate. */
    public CompletableFuture<List<String>> held() {
        return held;
    }

    public List<String> delivered() {
        return new ArrayList<>(delivered);
    }

    public int sends() {
        return sends.get();
    }

    public void reset() {
        delivered.clear();
        sends.set(0);
        open();
    }
}
