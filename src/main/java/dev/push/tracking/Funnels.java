package dev.push.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

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
    public record Funnel(long campaign, List<Stage> stages, long clicks, long previews, double value, List<Hour> hours) {
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
        boolean hourly = start != null;
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
        return new Funnel(campaign, stages, clicks, previews, value, hours);
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
