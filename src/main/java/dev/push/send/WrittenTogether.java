package dev.push.send;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Writes of concurrent sends that go to the database together: a request that finds no write under way writes its own
 * at once (a lone send waits for nobody); requests that arrive while one is under way queue, and when it returns the
 * first of them writes everything queued in one round trip, at most {@code most} at a time. Each request waits for
 * the round trip that holds its own write and gets its own result, so what a send answers is on the database as
 * before; only the number of round trips drops, from one a send to one per batch.
 */
final class WrittenTogether<I, R> {
    /** The outcome of one item of a batch: its result, or the error that item alone met. */
    record Result<R>(R value, RuntimeException error) {
        static <R> Result<R> of(R value) {
            return new Result<>(value, null);
        }

        static <R> Result<R> failed(RuntimeException error) {
            return new Result<>(null, error);
        }
    }

    private static final class Waiting<I, R> {
        final I item;
        /** True once the item is written (see {@link #result}), false when this request is to write the next batch. */
        final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        Result<R> result;

        Waiting(I item) {
            this.item = item;
        }
    }

    private final Function<List<I>, List<Result<R>>> write;
    private final int most;
    private List<Waiting<I, R>> queued = new ArrayList<>();
    private boolean writing;

    /** {@code write} answers one result per item, in order; it throws only for what failed the whole batch. */
    WrittenTogether(int most, Function<List<I>, List<Result<R>>> write) {
        this.most = most;
        this.write = write;
    }

    /** Writes waiting for their turn. */
    synchronized int queued() {
        return queued.size();
    }

    R write(I item) {
        Waiting<I, R> me = new Waiting<>(item);
        boolean lead;
        synchronized (this) {
            queued.add(me);
            lead = !writing;
            writing = true;
        }
        if (!lead && me.turn.join()) {
            return answer(me);
        }
        writeQueued();
        return answer(me);
    }

    private R answer(Waiting<I, R> w) {
        if (w.result.error() != null) {
            throw w.result.error();
        }
        return w.result.value();
    }

    /** Writes what is queued (this request's own write among it), then hands the next batch to the first still waiting. */
    private void writeQueued() {
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
            results = write.apply(items);
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
                writing = false;
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
