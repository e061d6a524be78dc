package dev.push.send;

import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Send ids, from the sequence audiences and campaigns take theirs from (a receiver's idempotency key {@code
 * <id>:<member>} and a channel's records per id never mix a send with a campaign), taken {@value #BLOCK} at a time by
 * each instance: one sequence write per {@value #BLOCK} sends instead of one per send. Ids an instance had not used
 * when it stopped are never given.
 */
@ApplicationScoped
class SendIds {
    static final int BLOCK = 100;

    @Inject
    PushDatabase database;

    private long next;
    private long end;

    synchronized long next() {
        if (next == end) {
            next = database.nextIds("task", BLOCK);
            end = next + BLOCK;
        }
        return next++;
    }
}
