package dev.push.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per user and client address (per address for the login form and tokens), in
 * memory: after {@code push.security.login-attempts} failures within a minute, further attempts
 * get 429 until the oldest failure is a minute old.
 */
@ApplicationScoped
public class LoginLimiter {
    static final long WINDOW_MS = 60_000;

    @ConfigProperty(name = "push.security.login-attempts", defaultValue = "5")
    int attempts;

    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public boolean blocked(String key) {
        Deque<Long> d = failures.get(key);
        if (d == null) {
            return false;
        }
        synchronized (d) {
            prune(d, System.currentTimeMillis());
            return d.size() >= attempts;
        }
    }

    public void failed(String key) {
        long now = System.currentTimeMillis();
        if (failures.size() > 100_000) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            prune(d, now);
            d.addLast(now);
        }
    }

    private static void prune(Deque<Long> d, long now) {
        while (!d.isEmpty() && d.peekFirst() < now - WINDOW_MS) {
            d.pollFirst();
        }
    }
}
