package dev.push.channel.limits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Messages of one channel being sent on this instance at once, against a limit that may change
 * (it is the instance's share of the channel's limit). A sub-batch holds as many permits as it has
 * messages, never more than the whole limit, so a large one still goes alone. Waiters are served
 * in order, without blocking a thread.
 */
final class InFlight {
    private record Waiter(int n, CompletableFuture<Integer> ready) {
    }

    private record Wake(CompletableFuture<Integer> ready, int permits) {
    }

    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private int used;
    private int limit;

    InFlight(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** Completes with the permits held once they are (n, capped at the limit); release as many after. */
    synchronized CompletableFuture<Integer> acquire(int n) {
        int take = Math.min(n, limit);
        if (waiting.isEmpty() && used + take <= limit) {
            used += take;
            return CompletableFuture.completedFuture(take);
        }
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        waiting.add(new Waiter(n, ready));
        return ready;
    }

    void release(int permits) {
        for (Wake w : releaseAndWake(permits)) {
            w.ready().complete(w.permits());
        }
    }

    synchronized void setLimit(int limit) {
        this.limit = Math.max(1, limit);
    }

    synchronized int used() {
        return used;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** Frees permits and hands them to waiters in order; their futures complete outside the lock. */
    private synchronized List<Wake> releaseAndWake(int permits) {
        used -= permits;
        List<Wake> wake = new ArrayList<>();
        while (!waiting.isEmpty()) {
            Waiter w = waiting.peek();
            int take = Math.min(w.n(), limit);
            if (used > 0 && used + take > limit) {
                break;
            }
            waiting.poll();
            used += take;
            wake.add(new Wake(w.ready(), take));
        }
        return wake;
    }
}
