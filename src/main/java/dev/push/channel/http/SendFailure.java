package dev.push.channel.http;

import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Why one request to a provider did not succeed, whether trying later may, and the delay the provider asked for
 * ({@code Retry-After} in ms, -1 for none).
 */
public record SendFailure(String reason, boolean retryable, long retryAfterMillis) implements Backoff.Attempt {
    public static SendFailure permanent(String reason) {
        return new SendFailure(reason, false, -1);
    }

    public static SendFailure retryable(String reason) {
        return new SendFailure(reason, true, -1);
    }

    /**
     * The rule of the channels that push over plain HTTP (webhook, Web Push): a 2xx answer is no failure (null); 429
     * and 5xx may be tried again, after the {@code Retry-After} asked; any other status is permanent. The reason is the
     * status line, then the body's {@code excerpt} when there is one (read only for a failure).
     */
    public static SendFailure ofAnswer(int status, String statusMessage, String retryAfter, Supplier<String> excerpt) {
        if (status >= 200 && status < 300) {
            return null;
        }
        String reason = status + (statusMessage == null ? "" : " " + statusMessage);
        String quoted = excerpt.get();
        if (quoted != null && !quoted.isEmpty()) {
            reason += ": " + quoted;
        }
        boolean retryable = status == 429 || status >= 500;
        return new SendFailure(reason, retryable,
                retryable ? Backoff.retryAfterMillis(retryAfter, System.currentTimeMillis()) : -1);
    }

    /** A request that got no answer: a timeout or a connection error, either worth trying again. */
    public static SendFailure ofError(Throwable error, long timeoutMs) {
        if (error instanceof TimeoutException || error instanceof io.netty.handler.timeout.TimeoutException) {
            return retryable("no answer within " + timeoutMs + " ms");
        }
        return retryable("connection error: " + error.getMessage());
    }
}
