package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.variant.Variants;
import dev.push.variant.WinnerDecision;
import org.bson.Document;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an A/B campaign's request must hold: 2 to 8 variants, each with a split (percent of the audience), unique
 * names (A, B, … by default); the splits and winner mode's holdout sum to 100; winner mode's metric, wait, alpha
 * and fallback (a variant's name, or {@code stop}). Each problem is a 400 naming the field.
 */
final class VariantRules {
    static final int MIN = 2;
    static final int MAX = 8;
    static final String STOP = "stop";
    static final Duration LONGEST_WAIT = Duration.ofDays(30);

    private VariantRules() {
    }

    /** The variants' names, in order. */
    static List<String> names(List<CampaignRequest.Variant> variants, CampaignRequest.Winner winner) {
        if (variants == null) {
            if (winner != null) {
                throw ApiException.badRequest("winner", "needs variants: winner mode picks one of them");
            }
            return null;
        }
        if (variants.size() < MIN || variants.size() > MAX) {
            throw ApiException.badRequest("variants", "has " + variants.size() + "; an A/B campaign has " + MIN + " to "
                    + MAX + " variants");
        }
        List<String> names = new ArrayList<>();
        int sum = 0;
        for (int i = 0; i < variants.size(); i++) {
            CampaignRequest.Variant v = variants.get(i);
            if (v == null) {
                throw ApiException.badRequest("variants[" + i + "]", "must be an object {name, title, body, link, data, split}");
            }
            String name = v.name() == null ? String.valueOf((char) ('A' + i)) : v.name().strip();
            if (name.isEmpty() || STOP.equals(name)) {
                throw ApiException.badRequest("variants[" + i + "].name", name.isEmpty() ? "must not be blank"
                        : "stop is the fallback that asks the operator; name the variant otherwise");
            }
            if (names.contains(name)) {
                throw ApiException.badRequest("variants[" + i + "].name", "repeats the name of variants["
                        + names.indexOf(name) + "]: " + name);
            }
            names.add(name);
            if (v.split() == null || v.split() < 1 || v.split() > 100) {
                throw ApiException.badRequest("variants[" + i + "].split", v.split() == null
                        ? "is required: the percent of the audience that gets this variant" : "must be between 1 and 100");
            }
            sum += v.split();
        }
        Integer holdout = winner == null ? null : winner.holdout();
        if (winner != null && (holdout == null || holdout < 1 || holdout > 98)) {
            throw ApiException.badRequest("winner.holdout", holdout == null
                    ? "is required: the percent of the audience that waits for the winner" : "must be between 1 and 98");
        }
        int total = sum + (holdout == null ? 0 : holdout);
        if (total != 100) {
            throw ApiException.badRequest("variants", "splits" + (holdout == null ? "" : " and winner.holdout")
                    + " sum to " + total + "%, not 100%");
        }
        return names;
    }

    /** Winner mode as stored, in its first phase ({@link Variants#TEST}); null without winner mode. */
    static Document winner(CampaignRequest.Winner winner, List<String> names, boolean everyLinkTracked) {
        if (winner == null) {
            return null;
        }
        String metric = winner.metric() == null ? WinnerDecision.METRICS.get(0) : winner.metric();
        if (!WinnerDecision.METRICS.contains(metric)) {
            throw ApiException.badRequest("winner.metric", "must be one of " + String.join(", ", WinnerDecision.METRICS));
        }
        if ("clicked".equals(metric) && !everyLinkTracked) {
            throw ApiException.badRequest("winner.metric", "clicked needs a tracked link in every variant");
        }
        Duration wait;
        try {
            wait = winner.waitFor() == null ? Duration.ofHours(1) : Duration.parse(winner.waitFor());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("winner.wait", "must be an ISO-8601 duration such as PT2H");
        }
        if (wait.isNegative() || wait.compareTo(LONGEST_WAIT) > 0) {
            throw ApiException.badRequest("winner.wait", "must be between PT0S and P30D");
        }
        double alpha = winner.alpha() == null ? 0.05 : winner.alpha();
        if (!(alpha > 0 && alpha < 1)) {
            throw ApiException.badRequest("winner.alpha", "must be between 0 and 1 (exclusive)");
        }
        String fallback = winner.fallback() == null ? STOP : winner.fallback();
        if (!STOP.equals(fallback) && !names.contains(fallback)) {
            throw ApiException.badRequest("winner.fallback", "must be stop or a variant's name ("
                    + String.join(", ", names) + ")");
        }
        return new Document("holdout", winner.holdout()).append("metric", metric).append("wait", wait.toString())
                .append("alpha", alpha).append("fallback", fallback).append("phase", Variants.TEST);
    }
}
