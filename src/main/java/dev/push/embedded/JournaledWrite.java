package dev.push.embedded;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Whether a command's write concern asks for the write to be on disk before it is acknowledged:
 * {@code j: true}, {@code fsync: true}, or {@code w: "majority"}, which MongoDB journals too by default
 * ({@code writeConcernMajorityJournalDefault}). A single node is its own majority.
 */
final class JournaledWrite {
    private JournaledWrite() {
    }

    static boolean asked(Document command) {
        if (!(command.get("writeConcern") instanceof Document concern)) {
            return false;
        }
        return Boolean.TRUE.equals(concern.get("j")) || Boolean.TRUE.equals(concern.get("fsync"))
                || "majority".equals(concern.get("w"));
    }
}
