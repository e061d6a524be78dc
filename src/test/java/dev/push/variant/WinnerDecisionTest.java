package dev.push.variant;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The winner of an A/B test: the best rate, when the chi-squared test finds the difference significant. */
class WinnerDecisionTest {

    @Test
    void aClearlyBetterVariantWinsWithThePValueOfPearsonsTest() {
        // 10 of 100 clicked A, 30 of 100 clicked B: Pearson's chi-squared is 200 × (10×70 − 90×30)² / (100×100×40×160)
        // = 12.5 with one degree of freedom, p = 0.000407 (textbook tables).
        WinnerDecision.Result r = WinnerDecision.decide("clicked", 0.05, List.of(
                new WinnerDecision.Arm(1, "A", 100, 10), new WinnerDecision.Arm(2, "B", 100, 30)));
        assertEquals(2, r.winner());
        assertEquals(0.000407, r.pValue(), 0.000005);
        assertTrue(r.significant());
        assertEquals("B", r.toDocument().getList("variants", org.bson.Document.class).get(1).getString("variant"));
        assertEquals(30L, r.toDocument().getList("variants", org.bson.Document.class).get(1).getLong("clicked"));
    }

    @Test
    void aSmallDifferenceIsNotSignificantAndNamesNoWinner() {
        WinnerDecision.Result r = WinnerDecision.decide("clicked", 0.05, List.of(
                new WinnerDecision.Arm(1, "A", 100, 10), new WinnerDecision.Arm(2, "B", 100, 12)));
        assertEquals(0, r.winner());
        assertFalse(r.significant());
        assertTrue(r.pValue() > 0.05, "p = " + r.pValue());
    }

    @Test
    void alphaDecidesWhatIsSignificant() {
        List<WinnerDecision.Arm> arms = List.of(new WinnerDecision.Arm(1, "A", 100, 10), new WinnerDecision.Arm(2, "B", 100, 30));
        assertEquals(2, WinnerDecision.decide("clicked", 0.001, arms).winner());
        assertEquals(0, WinnerDecision.decide("clicked", 0.0001, arms).winner());
    }

    @Test
    void amongThreeVariantsTheBestRateWins() {
        WinnerDecision.Result r = WinnerDecision.decide("converted", 0.05, List.of(
                new WinnerDecision.Arm(1, "A", 200, 10), new WinnerDecision.Arm(2, "B", 200, 12),
                new WinnerDecision.Arm(3, "C", 200, 40)));
        assertEquals(3, r.winner());
    }

    @Test
    void withoutAnyClicksThereIsNothingToTest() {
        WinnerDecision.Result r = WinnerDecision.decide("clicked", 0.05, List.of(
                new WinnerDecision.Arm(1, "A", 100, 0), new WinnerDecision.Arm(2, "B", 100, 0)));
        assertNull(r.pValue());
        assertEquals(0, r.winner());
    }

    @Test
    void aVariantSentToNobodyTakesNoPart() {
        WinnerDecision.Result r = WinnerDecision.decide("clicked", 0.05, List.of(
                new WinnerDecision.Arm(1, "A", 0, 0), new WinnerDecision.Arm(2, "B", 100, 30)));
        assertNull(r.pValue());
        assertEquals(0, r.winner());
    }
}
