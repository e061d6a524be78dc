package dev.push.send;

import org.bson.Document;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A send as the API shows it: {@code sending} while its channel has it, {@code done} with each member's outcome
 * ({@code sent}, {@code failed}, {@code skipped}), or {@code unknown} when it was reserved and never committed (the
 * instance died while its channel had it): its members may or may not have been pushed, and are never pushed again.
 */
public record SendView(long id, String state, String channel, String category, Instant at, Map<String, Integer> counts,
                       List<Member> members) {

    /** One member's outcome; {@code retryable} only for a failure. */
    public record Member(String member, String state, String reason, Boolean retryable) {
    }

    static SendView of(Document send, Instant now, Duration limit) {
        Instant at = send.getDate("at").toInstant();
        List<Member> members = new ArrayList<>();
        String state;
        if (Sends.DONE.equals(send.getString("state"))) {
            state = "done";
            for (Document o : send.getList("outcomes", Document.class)) {
                members.add(new Member(o.getString("member"), o.getString("state"), o.getString("reason"),
                        o.getBoolean("retryable")));
            }
        } else {
            state = at.plus(limit).isBefore(now) ? "unknown" : "sending";
            for (String m : send.getList("members", String.class)) {
                members.add(new Member(m, state, null, null));
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Member m : members) {
            counts.merge(m.state(), 1, Integer::sum);
        }
        return new SendView(send.getLong("id"), state, send.getString("channel"), send.getString("category"), at,
                counts, members);
    }
}
