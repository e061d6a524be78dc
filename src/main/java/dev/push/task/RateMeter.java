package dev.push.task;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Observed rate of running tasks: processed members per second over the last 10 seconds. */
@ApplicationScoped
public class RateMeter {
    static final long WINDOW_MS = 10_000;

    private final Map<Long, Deque<long[]>> samples = new ConcurrentHashMap<>();

    public void sample(long taskId, long at, long processed) {
        Deque<long[]> q = samples.computeIfAbsent(taskId, t -> new ArrayDeque<>());
        synchronized (q) {
            if (!q.isEmpty() && q.peekLast()[1] > processed) {
                q.clear(); // a restart reset the counters
            }
            q.addLast(new long[]{at, processed});
            while (q.size() > 2 && at - q.peekFirst()[0] > WINDOW_MS) {
                q.removeFirst();
            }
        }
    }

    /** Members per second over the window, or null when not enough is known. */
    public Double observed(long taskId, long now) {
        Deque<long[]> q = samples.get(taskId);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            if (q.size() < 2 || now - q.peekLast()[0] > WINDOW_MS) {
                return null;
            }
            long[] first = q.peekFirst();
            long[] last = q.peekLast();
            long dt = last[0] - first[0];
            return dt <= 0 ? null : (last[1] - first[1]) * 1000.0 / dt;
        }
    }

    /** The rate series for charts: [time ms, processed] pairs of the window. */
    public long[][] series(long taskId) {
        Deque<long[]> q = samples.get(taskId);
        if (q == null) {
            return new long[0][];
        }
        synchronized (q) {
            return q.toArray(new long[0][]);
        }
    }

    public void forget(long taskId) {
        samples.remove(taskId);
    }
}
