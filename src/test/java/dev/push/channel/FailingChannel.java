package dev.push.channel;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** A channel whose provider rejects everything, as an outage would. */
@ApplicationScoped
public class FailingChannel implements Channel {
    @Override
    public String name() {
        return "failing";
    }

    @Override
    public String addressKind() {
        return null;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery d) {
        return Uni.createFrom().item(d.recipients().stream()
                .map(r -> Outcome.failed(r.memberId(), "provider answered 503 Service Unavailable", true)).toList());
    }
}
