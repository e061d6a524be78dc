package dev.push.variant;

import dev.push.task.Task;
import org.bson.Document;

/**
 * A campaign's variants as stored: {@code variants: [{name, split, message}]}, numbered from 1 in that order (0 is a
 * campaign's single message), and in winner mode {@code winner: {holdout, metric, wait, alpha, fallback, phase, …}}.
 */
public final class Variants {
    /** Winner mode's phases: sending the test split, waiting for the decision, asking the operator, sending the winner. */
    public static final String TEST = "test";
    public static final String WAITING = "waiting";
    public static final String ASKING = "asking";
    public static final String WINNER = "winner";

    private Variants() {
    }

    /** The message of variant {@code v} (1..n), or the campaign's message for 0 or a campaign without variants. */
    public static Document message(Task campaign, int v) {
        if (campaign.variants == null || v < 1 || v > campaign.variants.size()) {
            return campaign.message;
        }
        return (Document) campaign.variants.get(v - 1).get("message");
    }

    /** The name of variant {@code v} (1..n). */
    public static String name(Task campaign, int v) {
        return campaign.variants.get(v - 1).getString("name");
    }

    /** The number of the variant with this name, or 0 when there is none. */
    public static int number(Task campaign, String name) {
        for (int i = 0; campaign.variants != null && i < campaign.variants.size(); i++) {
            if (campaign.variants.get(i).getString("name").equals(name)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The winner mode's phase, or null without winner mode. */
    public static String phase(Task campaign) {
        return campaign.winner == null ? null : campaign.winner.getString("phase");
    }

    /** The decided winner's number, or 0. */
    public static int winner(Task campaign) {
        return campaign.winner == null ? 0 : campaign.winner.getInteger("variant", 0);
    }
}
