package dev.push.storage;

import java.util.Date;

/** One kind of document that would otherwise stay forever, and when it may go. */
public interface RetentionRule {
    /** What goes, for the log: "sessions unseen for PT8H10M". */
    String describe();

    /** Removes what has outlived its retention at {@code now}; answers how many documents went. */
    long sweep(Date now);
}
