package dev.push.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecentTokensTest {
    final AtomicLong now = new AtomicLong();
    final RecentTokens recent = new RecentTokens(now::get);

    static ApiTokens.TokenView token(String id, String owner) {
        return new ApiTokens.TokenView(id, "app", owner, List.of("sends"), new Date(0), null);
    }

    @Test
    void aFoundTokenIsRememberedForASecondThenReadAgain() {
        ApiTokens.TokenView t = token("t1", "ann");
        recent.found("hash-1", t, recent.epoch());
        now.addAndGet(RecentTokens.REMEMBERED_FOR.minusMillis(1).toNanos());
        assertEquals(t, recent.recent("hash-1"));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertNull(recent.recent("hash-1"), "a second later the database is read again");
    }

    @Test
    void aDeletedTokenIsForgottenAtOnceAndOthersAreKept() {
        recent.found("hash-1", token("t1", "ann"), recent.epoch());
        recent.found("hash-2", token("t2", "ann"), recent.epoch());
        recent.forget("t1");
        assertNull(recent.recent("hash-1"));
        assertEquals("t2", recent.recent("hash-2").id());
    }

    @Test
    void theTokensOfADeletedOwnerAreForgottenAtOnce() {
        recent.found("hash-1", token("t1", "ann"), recent.epoch());
        recent.found("hash-2", token("t2", "ann"), recent.epoch());
        recent.found("hash-3", token("t3", "bob"), recent.epoch());
        recent.forgetOwnedBy("ann");
        assertNull(recent.recent("hash-1"));
        assertNull(recent.recent("hash-2"));
        assertEquals("t3", recent.recent("hash-3").id());
    }

    @Test
    void aTokenReadBeforeADeletionFinishedIsNotRemembered() {
        long before = recent.epoch();
        // The read found the token; meanwhile another request deleted a token (perhaps this one).
        recent.forget("t1");
        recent.found("hash-1", token("t1", "ann"), before);
        assertNull(recent.recent("hash-1"));
    }

    @Test
    void atMostCapacityTokensAreRemembered() {
        for (int i = 0; i <= RecentTokens.CAPACITY; i++) {
            recent.found("hash-" + i, token("t" + i, "ann"), recent.epoch());
        }
        int remembered = 0;
        for (int i = 0; i <= RecentTokens.CAPACITY; i++) {
            if (recent.recent("hash-" + i) != null) {
                remembered++;
            }
        }
        assertEquals(1, remembered, "the map is emptied when full, then the newest is added");
    }
}
