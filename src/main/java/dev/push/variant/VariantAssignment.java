package dev.push.variant;

import dev.push.task.Task;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which message variant each member of an A/B campaign gets. A member's bucket (0 to 9,999) is a stable hash of the
 * campaign id and the member id (SHA-256: the same on every instance, in every run, after any restart); the
 * variants' splits take the buckets in order, and the buckets after them are the holdout, which gets the winner once
 * it is decided. So a take-over, a pause and resume or a retry never moves a member to another variant.
 */
public final class VariantAssignment {
    public static final int BUCKETS = 10_000;
    /** What {@link #tested} answers for a member of the holdout. */
    public static final int HOLDOUT = 0;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final long campaign;
    /** Exclusive upper bucket of variant i + 1. */
    private final int[] upper;
    private final int winner;

    /** Variants 1..n with these splits (percent of the audience each); {@code winner} 0 while undecided. */
    public VariantAssignment(long campaign, List<Integer> splits, int winner) {
        this.campaign = campaign;
        this.upper = new int[splits.size()];
        int sum = 0;
        for (int i = 0; i < splits.size(); i++) {
            sum += splits.get(i) * (BUCKETS / 100);
            upper[i] = sum;
        }
        if (sum > BUCKETS) {
            throw new IllegalArgumentException("splits sum to more than 100%: " + splits);
        }
        this.winner = winner;
    }

    /** The assignment of a campaign's stored variants, or null for a campaign with a single message. */
    public static VariantAssignment of(Task campaign) {
        if (campaign.variants == null || campaign.variants.isEmpty()) {
            return null;
        }
        List<Integer> splits = new ArrayList<>();
        for (Document v : campaign.variants) {
            splits.add(v.getInteger("split"));
        }
        return new VariantAssignment(campaign.id, splits, Variants.winner(campaign));
    }

    /** The member's bucket in the campaign: 0 to 9,999, uniform, and the same wherever and whenever it is computed. */
    public static int bucket(long campaign, String member) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        byte[] d = sha.digest((campaign + ":" + member).getBytes(StandardCharsets.UTF_8));
        long x = 0;
        for (int i = 0; i < 8; i++) {
            x = (x << 8) | (d[i] & 0xFF);
        }
        return (int) Long.remainderUnsigned(x, BUCKETS);
    }

    /** The variant (1..n) of the test split the member is in, or {@link #HOLDOUT}. */
    public int tested(String member) {
        int b = bucket(campaign, member);
        for (int i = 0; i < upper.length; i++) {
            if (b < upper[i]) {
                return i + 1;
            }
        }
        return HOLDOUT;
    }

    /** The variant the member is sent: its test variant, or the winner for the holdout ({@link #HOLDOUT} while undecided). */
    public int sent(String member) {
        int v = tested(member);
        return v == HOLDOUT ? winner : v;
    }

    /** A chunk of the audience in the order it is delivered: its test members first, then its holdout. */
    public record Arranged(List<String> members, int tested) {
    }

    /** The chunk's members (in audience order) in delivery order; each part keeps the audience order. */
    public Arranged arrange(List<String> chunk) {
        List<String> test = new ArrayList<>(chunk.size());
        List<String> held = new ArrayList<>();
        for (String m : chunk) {
            (tested(m) == HOLDOUT ? held : test).add(m);
        }
        int n = test.size();
        test.addAll(held);
        return new Arranged(test, n);
    }
}
