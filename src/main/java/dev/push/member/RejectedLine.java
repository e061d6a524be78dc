package dev.push.member;

/** A line of an import that cannot become a member; the message is the reason the client sees. */
final class RejectedLine extends RuntimeException {
    RejectedLine(String reason) {
        // No stack trace: this is an expected outcome, possibly for many lines of a large file.
        super(reason, null, false, false);
    }
}
