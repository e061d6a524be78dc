package dev.push.channel;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What happened to one recipient of a sub-batch. For a member sent to on its devices, {@code devices} holds each
 * device's outcome and the member's is the best of them ({@link DeviceOutcomes}); else it is empty.
 */
public record Outcome(String memberId, Status status, String reason, boolean retryable, List<OfDevice> devices) {
    public enum Status { SENT, FAILED, SKIPPED }

    public Outcome(String memberId, Status status, String reason, boolean retryable) {
        this(memberId, status, reason, retryable, List.of());
    }

    /** One device's outcome: {@code device} is its id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OfDevice(String device, Status status, String reason) {
    }

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
