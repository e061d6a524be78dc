package dev.push.channel.http;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * When to try a provider again: exponential backoff with jitter ({@code base · 2^(attempt-1)},
 * capped, then a random share between a half and all of it, so that many members failing at once do
 * not come back at once), unless the provider said when with {@code Retry-After}.
 *
 * <p>All attempts of one message stay within {@code budgetMillis} of the first: a sub-batch is sent
 * under a shard lease that is renewed only between sub-batches, so retrying past the lease timeout
 * would let another worker take the chunk over and count these members unknown. A member still
 * failing when the budget is spent ends as a retryable failure, for the retry action.
 */
public record Backoff(int attempts, long baseMillis, long maxMillis, long maxRetryAfterMillis, long budgetMillis) {
    public static final long DEFAULT_BUDGET_MS = 5_000;

    /** Whether waiting {@code waitMillis} more keeps the message within its budget, counted from {@code firstAttemptNanos}. */
    public boolean fits(long firstAttemptNanos, long waitMillis) {
        return (System.nanoTime() - firstAttemptNanos) / 1_000_000 + waitMillis <= budgetMillis;
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed attempts (≥ 1). */
    public long delayAfter(int attempt) {
        long exp = baseMillis << Math.min(20, attempt - 1);
        long capped = Math.min(maxMillis, exp);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** What one attempt answered, as the backoff judges it: whether trying again may succeed, the delay asked (-1: none), why. */
    public interface Attempt {
        boolean retryable();

        long retryAfterMillis();

        String reason();
    }

    /**
     * Runs {@code attempt} (null: it succeeded) until it succeeds, fails for good, or this backoff ends it: attempts
     * used up, a Retry-After beyond {@code maxRetryAfterMillis}, or the budget spent. Answers null or the last failure,
     * its reason saying why no further attempt was made.
     */
    public Uni<SendFailure> retrying(Supplier<Uni<SendFailure>> attempt) {
        return retrying(attempt, (last, why) -> SendFailure.retryable(last.reason() + why));
    }

    /**
     * The same for any answer: runs {@code attempt} until its answer is null or not retryable, or this backoff ends it;
     * then the last answer, or {@code givenUp} of it and the words saying why no further attempt was made.
     */
    public <T extends Attempt> Uni<T> retrying(Supplier<Uni<T>> attempt, BiFunction<T, String, T> givenUp) {
        return retrying(attempt, givenUp, 1, System.nanoTime());
    }

    private <T extends Attempt> Uni<T> retrying(Supplier<Uni<T>> attempt, BiFunction<T, String, T> givenUp, int made, long since) {
        return attempt.get().onItem().transformToUni(answer -> {
            if (answer == null || !answer.retryable()) {
                return Uni.createFrom().item(answer);
            }
            if (made >= attempts) {
                return Uni.createFrom().item(givenUp.apply(answer, " (after " + made + " attempts)"));
            }
            long wait = answer.retryAfterMillis() >= 0 ? answer.retryAfterMillis() : delayAfter(made);
            if (wait > maxRetryAfterMillis && answer.retryAfterMillis() >= 0) {
                return Uni.createFrom().item(givenUp.apply(answer, " (Retry-After " + describe(wait)
                        + " is beyond the channel's limit of " + describe(maxRetryAfterMillis) + ")"));
            }
            if (!fits(since, wait)) {
                return Uni.createFrom().item(givenUp.apply(answer, " (retry budget of " + describe(budgetMillis)
                        + " used up after " + made + " attempts)"));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(Math.max(1, wait)))
                    .onItem().transformToUni(x -> retrying(attempt, givenUp, made + 1, since));
        });
    }

    /**
     * The delay a {@code Retry-After} value asks for (seconds, or an HTTP date), in ms; -1 when the
     * header is absent or unreadable.
     */
    public static long retryAfterMillis(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String h = header.trim();
        try {
            return Math.max(0, Long.parseLong(h) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }

    public static String describe(long millis) {
        Duration d = Duration.ofMillis(millis);
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
