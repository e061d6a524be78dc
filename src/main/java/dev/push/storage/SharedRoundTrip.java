package dev.push.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Database requests of concurrent callers that share one round trip (flat combining): a caller that finds none under
 * way makes its own at once (a lone caller waits for nobody); callers that arrive while one is under way queue, and
 * when it returns the first of them makes one round trip for everything queued, at most {@code most} at a time. Each
 * caller waits for the round trip that holds its own request and gets its own result, so what it answers is on the
 * database as before; only the number of round trips drops. Used where requests come thousands a second, each small:
 * triggered sends' reservations and commits, and their consent lookups.
 */
public final class SharedRoundTrip<I, R> {
    /** The outcome of one item of a batch: its result, or the error that item alone met. */
    public record Result<R>(R value, RuntimeException error) {
        public static <R> Result<R> of(R value) {
            return new Result<>(value, null);
        }

        public static <R> Result<R> failed(RuntimeException error) {
            return new Result<>(null, error);
        }
    }

    private static final class Waiting<I, R> {
        final I item;
        /** True once the item is done (see {@link #result}), false when this caller is to make the next round trip. */
        final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        Result<R> result;

        Waiting(I item) {
            this.item = item;
        }
    }

    private final Function<List<I>, List<Result<R>>> roundTrip;
    private final int most;
    private List<Waiting<I, R>> queued = new ArrayList<>();
    private boolean underWay;

    /** {@code roundTrip} answers one result per item, in order; it throws only for what failed the whole batch. */
    public SharedRoundTrip(int most, Function<List<I>, List<Result<R>>> roundTrip) {
        this.most = most;
        this.roundTrip = roundTrip;
    }

    /** Requests waiting for their turn. */
    synchronized int queued() {
        return queued.size();
    }

    /** Makes this caller's request, with others' if they are waiting; answers its result or throws its error. */
    public R request(I item) {
        Waiting<I, R> me = new Waiting<>(item);
        boolean lead;
        synchronized (this) {
            queued.add(me);
            lead = !underWay;
            underWay = true;
        }
        if (!lead && me.turn.join()) {
            return answer(me);
        }
        makeRoundTrip();
        return answer(me);
    }

    private R answer(Waiting<I, R> w) {
        if (w.result.error() != null) {
            throw w.result.error();
        }
        return w.result.value();
    }

    /** Makes the round trip for what is queued (this caller's own request among it), then hands the next batch to the first still waiting. */
    private void makeRoundTrip() {
        List<Waiting<I, R>> batch;
        synchronized (this) {
            if (queued.size() <= most) {
                batch = queued;
                queued = new ArrayList<>();
            } else {
                batch = new ArrayList<>(queued.subList(0, most));
                queued = new ArrayList<>(queued.subList(most, queued.size()));
            }
        }
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(w -> items.add(w.item));
        List<Result<R>> results;
        try {
            results = roundTrip.apply(items);
        } catch (RuntimeException | Error e) {
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                results.add(Result.failed(failure));
            }
        }
        Waiting<I, R> next = null;
        synchronized (this) {
            if (queued.isEmpty()) {
                underWay = false;
            } else {
                next = queued.get(0);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Waiting<I, R> w = batch.get(i);
            w.result = results.get(i);
            w.turn.complete(true);
        }
        if (next != null) {
            next.turn.complete(false);
        }
    }
}
