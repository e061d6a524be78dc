package dev.push.channel.limits;

import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelLimitsTest {

    @Test
    void sendRateMakesASubBatchWaitForItsTokensAndGivesAtMostOneSecondOfBurst() {
        AtomicLong nanos = new AtomicLong(10_000_000_000L);
        SendRate rate = new SendRate(nanos::get);

        assertEquals(0, rate.reserve(100, 100), "a sub-batch goes at once and pays for its tokens ahead");
        assertEquals(1000, rate.reserve(50, 100), "the next waits until 100 tokens at 100/s have accrued");
        nanos.addAndGet(60_000_000_000L);
        assertEquals(0, rate.reserve(100, 100), "a minute idle earns one second of burst");
        assertEquals(0, rate.reserve(100, 100));
        assertEquals(1000, rate.reserve(100, 100), "and no more");
    }

    @Test
    void inFlightServesWaitersInOrderAsPermitsComeBack() {
        InFlight inFlight = new InFlight(100);

        CompletableFuture<Integer> first = inFlight.acquire(60);
        CompletableFuture<Integer> second = inFlight.acquire(60);
        CompletableFuture<Integer> huge = inFlight.acquire(500);
        assertEquals(60, first.join());
        assertFalse(second.isDone());
        assertFalse(huge.isDone());

        inFlight.release(60);
        assertEquals(60, second.join());
        assertFalse(huge.isDone(), "waits for the whole limit");
        inFlight.release(60);
        assertEquals(100, huge.join(), "a sub-batch larger than the limit holds the whole limit and goes alone");
        assertEquals(100, inFlight.used());
    }

    @Test
    void limitsAreSharedOutOverTheLiveInstances() {
        AtomicInteger live = new AtomicInteger(4);
        LimitedChannel limited = new LimitedChannel(new Held(), new ChannelLimits(1000, 100), live::get);

        assertEquals(25, limited.share(100));
        live.set(1);
        assertEquals(100, limited.share(100));
        live.set(500);
        assertEquals(1, limited.share(100), "never below one");
    }

    @Test
    void aSubBatchWaitsForRoomAmongTheMessagesInFlight() {
        Held held = new Held();
        LimitedChannel limited = new LimitedChannel(held, new ChannelLimits(null, 10), () -> 1);

        CompletableFuture<List<Outcome>> a = limited.send(delivery("a", 6)).subscribeAsCompletionStage();
        CompletableFuture<List<Outcome>> b = limited.send(delivery("b", 6)).subscribeAsCompletionStage();
        assertEquals(1, held.pending.size(), "the second sub-batch did not reach the channel");

        held.pending.get(0).complete(null);
        assertEquals(6, a.join().size());
        assertEquals(2, held.pending.size(), "it goes once the first is done");
        held.pending.get(1).complete(null);
        assertEquals(6, b.join().size());
        assertTrue(held.maxInFlight.get() <= 10);
    }

    static Delivery delivery(String prefix, int n) {
        List<Delivery.Recipient> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rs.add(new Delivery.Recipient(prefix + i, null));
        }
        return new Delivery(1, "held", null, rs);
    }

    /** A channel whose sends finish when the test says. */
    static final class Held implements Channel {
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public String name() {
            return "held";
        }

        @Override
        public String addressKind() {
            return null;
        }

        @Override
        public Uni<List<Outcome>> send(Delivery d) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            maxInFlight.accumulateAndGet(inFlight.addAndGet(d.recipients().size()), Math::max);
            return Uni.createFrom().completionStage(done).map(x -> {
                inFlight.addAndGet(-d.recipients().size());
                return d.recipients().stream().map(r -> Outcome.sent(r.memberId())).toList();
            });
        }
    }
}
