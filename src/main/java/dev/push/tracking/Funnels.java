package dev.push.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's funnel: sent → delivered → opened → clicked → converted, each the number of members with that first
 * event (unique), and its rate over sent; besides, every click ({@code clicks}), link-preview fetches
 * ({@code previews}, not clicks) and the conversions' total value; with {@code hours}, the same counted per hour.
 */
@ApplicationScoped
public class Funnels {
    @Inject
    Engagements engagements;

    public record Stage(String name, long members, Double rate) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hour(Date hour, long delivered, long opened, long clicked, long converted, long clicks, long previews) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Funnel(long campaign, List<Stage> stages, long clicks, long previews, double value, List<Hour> hours,
                         List<VariantFunnel> variants) {
    }

    /** Members sent one variant of an A/B campaign (the campaign feature counts them), and whether it is the winner. */
    public record VariantSent(int variant, String name, long sent, boolean winner) {
    }

    /**
     * One variant's funnel: members sent it, members with each first event, each stage's rate over sent, and whether
     * it is the A/B test's winner.
     */
    public record VariantFunnel(int variant, String name, boolean winner, long sent, long delivered, long opened,
                                long clicked, long converted, Map<String, Double> rates) {
        /** Members with the first event of {@code type}. */
        public long members(String type) {
            return switch (type) {
                case Engagement.DELIVERED -> delivered;
                case Engagement.OPENED -> opened;
                case Engagement.CLICKED -> clicked;
                default -> converted;
            };
        }
    }

    /** Hours a funnel lists at most (90 days); older ones are summed in the totals only. */
    static final int MAX_HOURS = 24 * 90;

    /** The funnel of a campaign that has sent {@code sent} messages, without hours. */
    public Funnel of(long campaign, long sent) {
        return of(campaign, sent, null, 0);
    }

    /**
     * The funnel with one entry per hour from the hour of {@code start} to the hour of {@code now} (hours without
     * events count zero), or without hours when {@code start} is null.
     */
    public Funnel of(long campaign, long sent, Date start, long now) {
        return of(campaign, sent, start, now, null);
    }

    /** The funnel, with one per variant of an A/B campaign when {@code variants} (members sent each) is given. */
    public Funnel of(long campaign, long sent, Date start, long now, List<VariantSent> variants) {
        boolean hourly = start != null;
        Map<String, Long> perVariant = new HashMap<>();
        long[] unique = new long[Engagement.TYPES.size()];
        long clicks = 0;
        long previews = 0;
        double value = 0;
        List<Hour> hours = hourly ? new ArrayList<>() : null;
        for (Document h : engagements.hours(campaign)) {
            for (int i = 0; i < unique.length; i++) {
                unique[i] += count(h, Engagement.TYPES.get(i));
            }
            clicks += count(h, Engagements.CLICKS);
            previews += count(h, Engagements.PREVIEWS);
            value += h.get(Engagements.VALUE) instanceof Number n ? n.doubleValue() : 0;
            for (int v = 1; variants != null && v <= variants.size(); v++) {
                for (String type : Engagement.TYPES) {
                    perVariant.merge(Engagements.ofVariant(type, v), count(h, Engagements.ofVariant(type, v)), Long::sum);
                }
            }
            if (hourly) {
                hours.add(new Hour(new Date(Engagements.hourOf(h)), count(h, Engagement.DELIVERED), count(h, Engagement.OPENED),
                        count(h, Engagement.CLICKED), count(h, Engagement.CONVERTED), count(h, Engagements.CLICKS),
                        count(h, Engagements.PREVIEWS)));
            }
        }
        if (hourly) {
            hours = everyHour(hours, start.getTime(), now);
        }
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage("sent", sent, sent > 0 ? 1.0 : null));
        for (int i = 0; i < unique.length; i++) {
            stages.add(new Stage(Engagement.TYPES.get(i), unique[i], sent > 0 ? (double) unique[i] / sent : null));
        }
        return new Funnel(campaign, stages, clicks, previews, value, hours, variants == null ? null
                : variants.stream().map(v -> variantFunnel(v, perVariant)).toList());
    }

    private static VariantFunnel variantFunnel(VariantSent v, Map<String, Long> counts) {
        long[] n = new long[Engagement.TYPES.size()];
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) {
            n[i] = counts.getOrDefault(Engagements.ofVariant(Engagement.TYPES.get(i), v.variant()), 0L);
            rates.put(Engagement.TYPES.get(i), v.sent() > 0 ? (double) n[i] / v.sent() : null);
        }
        return new VariantFunnel(v.variant(), v.name(), v.winner(), v.sent(), n[0], n[1], n[2], n[3], rates);
    }

    private static List<Hour> everyHour(List<Hour> counted, long start, long now) {
        long from = start / Engagements.HOUR_MS * Engagements.HOUR_MS;
        long to = Math.max(from, now / Engagements.HOUR_MS * Engagements.HOUR_MS);
        if (!counted.isEmpty()) {
            from = Math.min(from, counted.get(0).hour().getTime());
            to = Math.max(to, counted.get(counted.size() - 1).hour().getTime());
        }
        from = Math.max(from, to - (MAX_HOURS - 1) * Engagements.HOUR_MS);
        List<Hour> out = new ArrayList<>();
        int i = 0;
        for (long h = from; h <= to; h += Engagements.HOUR_MS) {
            while (i < counted.size() && counted.get(i).hour().getTime() < h) {
                i++;
            }
            out.add(i < counted.size() && counted.get(i).hour().getTime() == h ? counted.get(i)
                    : new Hour(new Date(h), 0, 0, 0, 0, 0, 0));
        }
        return out;
    }

    private static long count(Document hour, String field) {
        return hour.get(field) instanceof Number n ? n.longValue() : 0;
    }
}
