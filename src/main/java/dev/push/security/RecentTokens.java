package dev.push.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * API tokens this process found in {@code api_tokens} less than {@link #REMEMBERED_FOR} ago, by the token's SHA-256,
 * so that an app back end calling thousands of times a second costs one database read a second per token rather than
 * one per request (and the request is not moved to a worker thread for it).
 * <p>
 * A token deleted through this process (by id, or with its owner) is forgotten at once; a token found before such a
 * deletion finished is not remembered ({@link #epoch()}). A token deleted through another instance is honoured here
 * for at most {@link #REMEMBERED_FOR}.
 */
final class RecentTokens {
    static final Duration REMEMBERED_FOR = Duration.ofSeconds(1);
    static final int CAPACITY = 1_024;

    private record Found(ApiTokens.TokenView token, long at) {
    }

    private final LongSupplier nanoTime;
    private final Map<String, Found> byHash = new ConcurrentHashMap<>();
    private volatile long epoch;

    RecentTokens(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The token with this hash if it was found less than {@link #REMEMBERED_FOR} ago, else null. */
    ApiTokens.TokenView recent(String hash) {
        Found f = byHash.get(hash);
        if (f == null) {
            return null;
        }
        if (nanoTime.getAsLong() - f.at() >= REMEMBERED_FOR.toNanos()) {
            byHash.remove(hash, f);
            return null;
        }
        return f.token();
    }

    /** Taken before reading a token: {@link #found} remembers it only if no token was forgotten since. */
    long epoch() {
        return epoch;
    }

    /** Remembers the token read after {@code epochBefore}, unless a deletion came in between. */
    synchronized void found(String hash, ApiTokens.TokenView token, long epochBefore) {
        if (epoch != epochBefore) {
            return;
        }
        if (byHash.size() >= CAPACITY) {
            byHash.clear();
        }
        byHash.put(hash, new Found(token, nanoTime.getAsLong()));
    }

    /** Forgets the token with this id. */
    synchronized void forget(String id) {
        epoch++;
        byHash.values().removeIf(f -> f.token().id().equals(id));
    }

    /** Forgets every token of this owner. */
    synchronized void forgetOwnedBy(String owner) {
        epoch++;
        byHash.values().removeIf(f -> f.token().owner().equals(owner));
    }
}
