package dev.push.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins, counted per user name and per client address, in memory on each instance: after
 * {@code push.security.login-attempts} failures for one user, or {@code push.security.login-attempts-per-address}
 * failures from one address (whichever users), within a minute, further attempts of that user or from that address
 * get 429 until the oldest of those failures is a minute old. The address is the one Quarkus resolved: the peer's,
 * or the {@code X-Forwarded-For} client's when the peer is one of {@code quarkus.http.proxy.trusted-proxies}. So
 * behind an ingress one bad client locks out the users it tries and itself, not everyone.
 */
@ApplicationScoped
public class LoginLimiter {
    static final long WINDOW_MS = 60_000;
    /** Where the password check leaves the user name a login tried (the form's is only known there). */
    static final String USER = "push.login.user";
    /** Set when the password check refused a login because its user is locked: the answer becomes 429. */
    static final String BLOCKED = "push.login.blocked";

    @Inject
    SecurityConfig security;

    private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    /** Whether the user (null when not known yet) or the address has had too many failures within the minute. */
    public boolean blocked(String user, String address) {
        return (user != null && count("user|" + user) >= security.loginAttempts())
                || (address != null && count("address|" + address) >= security.loginAttemptsPerAddress());
    }

    public void failed(String user, String address) {
        long now = System.currentTimeMillis();
        if (failures.size() > 100_000) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), now);
                    return e.getValue().isEmpty();
                }
            });
        }
        if (user != null) {
            add("user|" + user, now);
        }
        if (address != null) {
            add("address|" + address, now);
        }
    }

    private int count(String key) {
        Deque<Long> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            prune(d, System.currentTimeMillis());
            return d.size();
        }
    }

    private void add(String key, long now) {
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
