package dev.push.channel;

/** What happened to one recipient of a sub-batch. */
public record Outcome(String memberId, Status status, String reason, boolean retryable) {
    public enum Status { SENT, FAILED, SKIPPED }

    public static Outcome sent(String memberId) {
        return new Outcome(memberId, Status.SENT, null, false);
    }

    public static Outcome failed(String memberId, String reason, boolean retryable) {
        return new Outcome(memberId, Status.FAILED, reason, retryable);
    }

    public static Outcome skipped(String memberId, String reason) {
        return new Outcome(memberId, Status.SKIPPED, reason, false);
    }
}
