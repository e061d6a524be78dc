package dev.push.channel.personalization;

/**
 * A message field that is beyond what a message may do (see {@link TemplateBounds}): at campaign
 * creation a 400 naming the field, when rendered for a member that member's failure.
 */
public final class MessageRefused extends RuntimeException {
    private final String field;
    private final String reason;

    public MessageRefused(String field, String reason) {
        super(field == null ? reason : field + " " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** Why, without the field. */
    public String reason() {
        return reason;
    }

    /** The message field, as the API names it: {@code message.title}, {@code message.body}, {@code message.link}. */
    public String field() {
        return field;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // A refusal is an expected answer to operator input, not a fault to trace.
        return this;
    }
}
