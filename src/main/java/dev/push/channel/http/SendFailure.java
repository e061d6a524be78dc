package dev.push.channel.http;

/**
 * Why one request to a provider did not succeed, whether trying later may, and the delay the provider asked for
 * ({@code Retry-After} in ms, -1 for none).
 */
public record SendFailure(String reason, boolean retryable, long retryAfterMillis) {
    public static SendFailure permanent(String reason) {
        return new SendFailure(reason, false, -1);
    }

    public static SendFailure retryable(String reason) {
        return new SendFailure(reason, true, -1);
    }
}
