package dev.push.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedRoundTripTest {
    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    /** Answers each item doubled; item 13 alone is refused. */
    List<SharedRoundTrip.Result<Integer>> doubled(List<Integer> items) {
        batches.add(List.copyOf(items));
        List<SharedRoundTrip.Result<Integer>> out = new ArrayList<>();
        for (int i : items) {
            out.add(i == 13 ? SharedRoundTrip.Result.failed(new IllegalArgumentException("13 refused")) : SharedRoundTrip.Result.of(i * 2));
        }
        return out;
    }

    @Test
    void aLoneWriteGoesAtOnceInABatchOfItsOwn() {
        SharedRoundTrip<Integer, Integer> together = new SharedRoundTrip<>(100, this::doubled);
        assertEquals(14, together.request(7));
        assertEquals(List.of(List.of(7)), batches);
    }

    @Test
    void writesArrivingWhileOneIsUnderWayGoTogetherInTheNextAndEachGetsItsOwnResult() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedRoundTrip<Integer, Integer> together = holdingTheFirstRoundTrip(100, firstStarted, release);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Future<Integer> first = pool.submit(() -> together.request(0));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            List<Future<Integer>> queued = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                int item = i;
                queued.add(pool.submit(() -> together.request(item)));
            }
            while (waiting(together) < 5) {
                Thread.onSpinWait();
            }
            release.countDown();
            assertEquals(0, first.get(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                assertEquals(i * 2, queued.get(i - 1).get(10, TimeUnit.SECONDS));
            }
            assertEquals(2, batches.size(), "one round trip for the first, one for the five queued behind it: " + batches);
            assertEquals(List.of(0), batches.get(0));
            assertEquals(5, batches.get(1).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchHoldsAtMostItsLimitTheRestGoInTheNext() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedRoundTrip<Integer, Integer> together = holdingTheFirstRoundTrip(2, firstStarted, release);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> all = new ArrayList<>();
            all.add(pool.submit(() -> together.request(0)));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                int item = i;
                all.add(pool.submit(() -> together.request(item)));
            }
            while (waiting(together) < 5) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (int i = 0; i <= 5; i++) {
                assertEquals(i * 2, all.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(1, 2, 2, 1), batches.stream().map(List::size).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anItemRefusedAloneFailsOnlyItsOwnWrite() {
        SharedRoundTrip<Integer, Integer> together = new SharedRoundTrip<>(100, this::doubled);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> together.request(13));
        assertEquals("13 refused", e.getMessage());
        assertEquals(4, together.request(2), "the next write goes on");
    }

    @Test
    void aBatchThatFailsWholeFailsEachOfItsWritesAndTheNextGoesOn() {
        List<Integer> calls = new ArrayList<>();
        SharedRoundTrip<Integer, Integer> together = new SharedRoundTrip<>(100, items -> {
            calls.add(items.get(0));
            if (calls.size() == 1) {
                throw new IllegalStateException("database down");
            }
            return doubled(items);
        });
        assertThrows(IllegalStateException.class, () -> together.request(1));
        assertEquals(6, together.request(3));
    }

    private static int waiting(SharedRoundTrip<?, ?> together) {
        return together.queued();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Doubles its items; its first round trip says it started and waits for {@code release}. */
    private SharedRoundTrip<Integer, Integer> holdingTheFirstRoundTrip(int most, CountDownLatch started, CountDownLatch release) {
        return new SharedRoundTrip<>(most, items -> {
            if (batches.isEmpty()) {
                started.countDown();
                await(release);
            }
            return doubled(items);
        });
    }
}
