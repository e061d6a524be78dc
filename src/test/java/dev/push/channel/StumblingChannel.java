package dev.push.channel;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A channel whose provider is down, remembering when each sub-batch reached it. */
@ApplicationScoped
public class StumblingChannel implements Channel {
    private final ConcurrentLinkedQueue<Long> sendNanos = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return "stumbling";
    }

    @Override
    public String addressKind() {
        return null;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery d) {
        sendNanos.add(System.nanoTime());
        return Uni.createFrom().item(d.recipients().stream()
                .map(r -> Outcome.failed(r.memberId(), "provider answered 503 Service Unavailable", true)).toList());
    }

    public List<Long> sendNanos() {
        return new ArrayList<>(sendNanos);
    }
}
