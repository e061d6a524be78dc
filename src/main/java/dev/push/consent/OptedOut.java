package dev.push.consent;

import org.bson.Document;

import java.util.List;

/**
 * The consent rule: a member is never sent a message of a category they opted out of, nor any message once they opted
 * out of everything; an opt-out is recorded for the member's id (preferences, unsubscribe links, imports) or for an
 * address (a suppression list), and either one holds.
 */
public final class OptedOut {
    /** The reason a member skipped under this rule is counted with. */
    public static final String REASON = "opted out";

    private OptedOut() {
    }

    /** Whether the member's record or their address's record (either may be null) opts them out of {@code category}. */
    public static boolean of(Document byMember, Document byAddress, String category) {
        return covers(byMember, category) || covers(byAddress, category);
    }

    private static boolean covers(Document record, String category) {
        if (record == null) {
            return false;
        }
        if (record.getBoolean("all", false)) {
            return true;
        }
        List<String> categories = record.getList("categories", String.class);
        return categories != null && categories.contains(category);
    }
}
