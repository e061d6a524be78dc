package dev.push.variant;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * Which variant of an A/B test won: the one with the best rate of members who did the metric ({@code clicked} or
 * {@code converted}, unique) over members sent, when the variants' rates differ significantly: the chi-squared test
 * of independence on the table (did, did not) × variant answers a p-value below {@code alpha}. Variants sent to
 * nobody take no part; with fewer than two left, or nobody (or everybody) having done the metric, there is no
 * difference to test and no winner.
 */
public final class WinnerDecision {
    public static final List<String> METRICS = List.of("clicked", "converted");

    /** One variant's figures: members sent, members who did the metric. */
    public record Arm(int variant, String name, long sent, long did) {
        public double rate() {
            return sent == 0 ? 0 : (double) did / sent;
        }
    }

    /** The figures, the p-value (null when there was nothing to test) and the winner (0: none significant). */
    public record Result(String metric, double alpha, List<Arm> arms, Double pValue, int winner) {
        public boolean significant() {
            return winner != 0;
        }

        /** The figures as the task history records them. */
        public Document toDocument() {
            List<Document> rows = new ArrayList<>();
            for (Arm a : arms) {
                rows.add(new Document("variant", a.name()).append("sent", a.sent()).append(metric, a.did())
                        .append("rate", a.rate()));
            }
            return new Document("metric", metric).append("variants", rows).append("pValue", pValue)
                    .append("alpha", alpha).append("significant", significant());
        }

        /** One line for people: each variant's rate, the p-value against alpha. */
        public String summary() {
            StringBuilder s = new StringBuilder(metric).append(": ");
            for (int i = 0; i < arms.size(); i++) {
                Arm a = arms.get(i);
                s.append(i == 0 ? "" : ", ").append(a.name()).append(' ').append(a.did()).append('/').append(a.sent())
                        .append(String.format(java.util.Locale.ROOT, " (%.2f%%)", a.rate() * 100));
            }
            return s.append(pValue == null ? "; nothing to test" : String.format(java.util.Locale.ROOT,
                    "; chi-squared p = %.4g %s %s", pValue, pValue < alpha ? "<" : ">=", alpha)).toString();
        }
    }

    private WinnerDecision() {
    }

    public static Result decide(String metric, double alpha, List<Arm> arms) {
        List<Arm> tested = arms.stream().filter(a -> a.sent() > 0).toList();
        long did = tested.stream().mapToLong(Arm::did).sum();
        long sent = tested.stream().mapToLong(Arm::sent).sum();
        if (tested.size() < 2 || did == 0 || did == sent) {
            return new Result(metric, alpha, arms, null, 0);
        }
        long[][] table = new long[tested.size()][];
        for (int i = 0; i < tested.size(); i++) {
            table[i] = new long[]{tested.get(i).did(), tested.get(i).sent() - tested.get(i).did()};
        }
        double p = new ChiSquareTest().chiSquareTest(table);
        if (!(p < alpha)) {
            return new Result(metric, alpha, arms, p, 0);
        }
        Arm best = tested.get(0);
        for (Arm a : tested) {
            if (a.rate() > best.rate()) {
                best = a;
            }
        }
        return new Result(metric, alpha, arms, p, best.variant());
    }
}
