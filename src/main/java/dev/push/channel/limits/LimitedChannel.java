package dev.push.channel.limits;

import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A channel under its cluster-wide limits: each sub-batch first waits for its share of the rate,
 * then for room among the messages in flight, then goes to the channel. Waiting holds no thread.
 */
public final class LimitedChannel implements Channel, AutoCloseable {
    private final Channel channel;
    private final ChannelLimits limits;
    private final IntSupplier liveInstances;
    private final SendRate rate = new SendRate(System::nanoTime);
    private final InFlight inFlight;

    public LimitedChannel(Channel channel, ChannelLimits limits, IntSupplier liveInstances) {
        this.channel = channel;
        this.limits = limits;
        this.liveInstances = liveInstances;
        this.inFlight = limits.inFlight() == null ? null : new InFlight(share(limits.inFlight()));
    }

    /** This instance's share of a cluster-wide figure, at least 1. */
    int share(int clusterWide) {
        return Math.max(1, clusterWide / Math.max(1, liveInstances.getAsInt()));
    }

    @Override
    public String name() {
        return channel.name();
    }

    @Override
    public String addressKind() {
        return channel.addressKind();
    }

    @Override
    public boolean needsAttributes() {
        return channel.needsAttributes();
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        int n = delivery.recipients().size();
        Uni<Void> paced = Uni.createFrom().voidItem();
        if (limits.perSecond() != null) {
            double perSecond = Math.max(1.0, (double) limits.perSecond() / Math.max(1, liveInstances.getAsInt()));
            long wait = rate.reserve(n, perSecond);
            if (wait > 0) {
                paced = paced.onItem().delayIt().by(Duration.ofMillis(wait));
            }
        }
        if (inFlight == null) {
            return paced.onItem().transformToUni(x -> channel.send(delivery));
        }
        return paced.onItem().transformToUni(x -> {
            inFlight.setLimit(share(limits.inFlight()));
            return Uni.createFrom().completionStage(inFlight.acquire(n));
        }).onItem().transformToUni(permits -> channel.send(delivery)
                .onTermination().invoke(() -> inFlight.release(permits)));
    }

    @Override
    public void close() throws Exception {
        if (channel instanceof AutoCloseable c) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "LimitedChannel[" + channel + ", " + limits + "]";
    }
}
