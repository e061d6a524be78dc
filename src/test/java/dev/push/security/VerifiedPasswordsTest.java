package dev.push.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedPasswordsTest {
    final AtomicLong now = new AtomicLong();
    final VerifiedPasswords verified = new VerifiedPasswords(now::get);

    @Test
    void aVerifiedPasswordIsRememberedForAMinute() {
        verified.verified("ann", "$2a$10$hash", "secret-1");
        now.addAndGet(VerifiedPasswords.REMEMBERED_FOR.minusMillis(1).toNanos());
        assertTrue(verified.recentlyVerified("ann", "$2a$10$hash", "secret-1"));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertFalse(verified.recentlyVerified("ann", "$2a$10$hash", "secret-1"), "a minute later it is checked again");
    }

    @Test
    void anotherPasswordUserOrStoredHashIsNotRemembered() {
        verified.verified("ann", "$2a$10$hash", "secret-1");
        assertFalse(verified.recentlyVerified("ann", "$2a$10$hash", "secret-2"), "another password");
        assertFalse(verified.recentlyVerified("bob", "$2a$10$hash", "secret-1"), "another user");
        assertFalse(verified.recentlyVerified("ann", "$2a$10$changed", "secret-1"), "the password was changed since");
    }

    @Test
    void partsAreKeptApartSoNoSplitOfTheSameCharactersMatches() {
        verified.verified("ann", "hash", "xsecret");
        assertFalse(verified.recentlyVerified("annh", "ash", "xsecret"));
        assertFalse(verified.recentlyVerified("ann", "hashx", "secret"));
    }

    @Test
    void atMostCapacityPasswordsAreRememberedTheLeastRecentlyUsedGoFirst() {
        verified.verified("first", "h", "p");
        for (int i = 0; i < VerifiedPasswords.CAPACITY; i++) {
            verified.verified("user-" + i, "h", "p");
        }
        assertFalse(verified.recentlyVerified("first", "h", "p"));
        assertTrue(verified.recentlyVerified("user-" + (VerifiedPasswords.CAPACITY - 1), "h", "p"));
    }
}
