package dev.push.channel;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;

/**
 * A way of delivering a campaign's message. A channel sends one sub-batch at a time and answers
 * one outcome per recipient, in the recipients' order.
 */
public interface Channel {
    /** The name campaigns use ({@code log}, {@code webhook}, …). */
    String name();

    /** The member address this channel needs ({@code email}, {@code fcm}, …), or null for none. */
    String addressKind();

    Uni<List<Outcome>> send(Delivery delivery);

    /**
     * Sends and waits at most {@code limit}, for the sends made outside the campaign workers (test sends, retries,
     * triggered sends): a channel that fails fails each recipient, retryable.
     */
    default List<Outcome> sendAndWait(Delivery delivery, Duration limit) {
        return sendFailingEach(delivery).await().atMost(limit);
    }

    /**
     * Sends; a channel that fails fails each recipient, retryable, rather than the whole call. Answers one outcome per
     * member: a member sent to on several devices gets the best of theirs ({@link DeviceOutcomes}).
     */
    default Uni<List<Outcome>> sendFailingEach(Delivery delivery) {
        return send(delivery).onFailure().recoverWithItem(e -> delivery.recipients().stream()
                .map(r -> Outcome.failed(r.memberId(), "channel error: " + e.getMessage(), true)).toList())
                .map(outcomes -> DeviceOutcomes.perMember(delivery.recipients(), outcomes));
    }

    /** Whether recipients must carry their member attributes (the channel personalizes the message). */
    default boolean needsAttributes() {
        return false;
    }
}
