package dev.push.variant;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which variant each member gets: stable, in the proportions of the splits, the holdout waiting for the winner. */
class VariantAssignmentTest {
    static final int N = 100_000;
    static final List<String> IDS = IntStream.range(0, N).mapToObj(i -> "member-" + i).toList();

    @Test
    void aMembersVariantIsTheSameEveryTimeAndOnEveryInstance() {
        VariantAssignment one = new VariantAssignment(42, List.of(10, 10), 0);
        VariantAssignment another = new VariantAssignment(42, List.of(10, 10), 0);
        for (String id : IDS.subList(0, 1000)) {
            assertEquals(one.tested(id), another.tested(id), id);
            assertEquals(VariantAssignment.bucket(42, id), VariantAssignment.bucket(42, id), id);
        }
        // The bucket is the documented function of the two ids alone (no hash codes of this JVM, no state): the first
        // 8 bytes of SHA-256("campaign:member"), unsigned, modulo 10,000.
        for (String id : IDS.subList(0, 100)) {
            assertEquals(documentedBucket(42, id), VariantAssignment.bucket(42, id), id);
        }
    }

    static int documentedBucket(long campaign, String member) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((campaign + ":" + member).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(java.nio.ByteBuffer.wrap(d, 0, 8).getLong(), 10_000);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void splitsOf10And10Leave80PercentInTheHoldoutWithinBinomialBounds() {
        VariantAssignment a = new VariantAssignment(7, List.of(10, 10), 0);
        int[] counts = new int[3];
        IDS.forEach(id -> counts[a.tested(id)]++);
        // 10% of 100,000: mean 10,000, standard deviation sqrt(100,000 × 0.1 × 0.9) ≈ 95; five of them either side.
        assertWithin(10_000, 475, counts[1], "variant 1");
        assertWithin(10_000, 475, counts[2], "variant 2");
        // 80%: standard deviation sqrt(100,000 × 0.8 × 0.2) ≈ 126.
        assertWithin(80_000, 632, counts[VariantAssignment.HOLDOUT], "holdout");
    }

    @Test
    void anotherCampaignSplitsTheSameMembersIndependently() {
        VariantAssignment c1 = new VariantAssignment(1, List.of(50, 50), 0);
        VariantAssignment c2 = new VariantAssignment(2, List.of(50, 50), 0);
        long same = IDS.stream().filter(id -> c1.tested(id) == c2.tested(id)).count();
        // Independent halves agree for half the members: mean 50,000, standard deviation ≈ 158.
        assertWithin(50_000, 790, (int) same, "members in the same variant in both campaigns");
    }

    @Test
    void theHoldoutIsSentTheWinnerOnceDecidedAndTheTestSplitKeepsItsVariant() {
        VariantAssignment undecided = new VariantAssignment(9, List.of(20, 30), 0);
        VariantAssignment decided = new VariantAssignment(9, List.of(20, 30), 2);
        for (String id : IDS.subList(0, 5000)) {
            int tested = undecided.tested(id);
            assertEquals(tested, decided.tested(id));
            assertEquals(tested, undecided.sent(id));
            assertEquals(tested == VariantAssignment.HOLDOUT ? 2 : tested, decided.sent(id));
        }
    }

    @Test
    void aChunkIsArrangedTestMembersFirstThenTheHoldoutEachInAudienceOrder() {
        VariantAssignment a = new VariantAssignment(5, List.of(15, 15), 0);
        List<String> chunk = IDS.subList(0, 1000);
        VariantAssignment.Arranged arranged = a.arrange(chunk);
        List<String> test = chunk.stream().filter(id -> a.tested(id) != VariantAssignment.HOLDOUT).toList();
        List<String> held = chunk.stream().filter(id -> a.tested(id) == VariantAssignment.HOLDOUT).toList();
        assertEquals(test.size(), arranged.tested());
        List<String> expected = new ArrayList<>(test);
        expected.addAll(held);
        assertEquals(expected, arranged.members());
        assertEquals(1000, new HashSet<>(arranged.members()).size(), "every member once");
    }

    static void assertWithin(int mean, int bound, int actual, String what) {
        assertTrue(Math.abs(actual - mean) <= bound, what + ": " + actual + " is not within " + mean + " ± " + bound);
    }
}
