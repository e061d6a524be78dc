package dev.push.channel;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Sends to each recipient of a sub-batch, at most {@code concurrency} at once, answering the outcomes in order. */
public final class FanOut {
    private FanOut() {
    }

    public static Uni<List<Outcome>> each(List<Delivery.Recipient> recipients, int concurrency,
                                          Function<Delivery.Recipient, Uni<Outcome>> sendOne) {
        Outcome[] outcomes = new Outcome[recipients.size()];
        return Multi.createFrom().range(0, recipients.size())
                .onItem().transformToUni(i -> sendOne.apply(recipients.get(i)).invoke(o -> outcomes[i] = o))
                .merge(concurrency)
                .collect().last()
                .map(x -> Arrays.asList(outcomes));
    }

    /**
     * {@link #each}, for a provider that reports dead addresses: {@code sendOne} adds them to the queue it is given, and
     * once every recipient is answered they are marked invalid for {@code kind} in one write, off the event loop.
     */
    public static Uni<List<Outcome>> markingInvalid(List<Delivery.Recipient> to, int concurrency, Recipients recipients,
            String kind, BiFunction<Delivery.Recipient, Queue<Recipients.InvalidAddress>, Uni<Outcome>> sendOne) {
        Queue<Recipients.InvalidAddress> invalid = new ConcurrentLinkedQueue<>();
        return each(to, concurrency, r -> sendOne.apply(r, invalid))
                .emitOn(FanOut::offTheEventLoop)
                .map(outcomes -> {
                    recipients.markInvalid(kind, new ArrayList<>(invalid));
                    return outcomes;
                });
    }

    /**
     * Off an event loop to the worker pool; on any other thread, where it is: a worker's or a request's thread may
     * block, and a worker that made the pool grow would give the new thread its low priority ({@code WorkerThreads}).
     */
    private static void offTheEventLoop(Runnable step) {
        if (Context.isOnEventLoopThread()) {
            Infrastructure.getDefaultWorkerPool().execute(step);
        } else {
            step.run();
        }
    }
}
