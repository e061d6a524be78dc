package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.time.IanaZone;
import dev.push.time.TimingConfig;
import org.bson.Document;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * When a campaign may send each member (docs/timing.md): at a local time on a date in the member's zone, and never
 * inside the quiet hours of the member's zone. Stored on the campaign as {@code timing}: {@code zone} (for members
 * without one), {@code date} and {@code time} of a local-time campaign with {@code passed} ({@value #SEND} or
 * {@value #SKIP}: members whose time had passed when the campaign first started), and {@code quiet} ({@code start},
 * {@code end}), the global default unless the campaign overrides it. Null when none of it applies.
 */
public final class DeliveryTiming {
    static final String SEND = "send";
    static final String SKIP = "skip";
    /** Why a member whose local time had passed is skipped. */
    static final String PASSED = "its local delivery time had passed when the campaign started";
    /** The latest offset in use (UTC-12): a local date-time later than this nowhere is in the past everywhere. */
    private static final ZoneOffset LATEST = ZoneOffset.ofHours(-12);

    private final ZoneId zone;
    private final LocalDate date;
    private final LocalTime time;
    private final boolean skipPassed;
    private final LocalTime quietStart;
    private final LocalTime quietEnd;

    private DeliveryTiming(Document stored) {
        zone = ZoneId.of(stored.getString("zone"));
        date = stored.getString("date") == null ? null : LocalDate.parse(stored.getString("date"));
        time = stored.getString("time") == null ? null : LocalTime.parse(stored.getString("time"));
        skipPassed = SKIP.equals(stored.getString("passed"));
        Document quiet = stored.get("quiet", Document.class);
        quietStart = quiet == null ? null : LocalTime.parse(quiet.getString("start"));
        quietEnd = quiet == null ? null : LocalTime.parse(quiet.getString("end"));
    }

    /** The rule of a campaign's stored {@code timing}; null when it has none. */
    static DeliveryTiming of(Document stored) {
        return stored == null ? null : new DeliveryTiming(stored);
    }

    /** The zone a member is sent in: its own, or the campaign's for members without one (or with an unknown one). */
    ZoneId zoneOf(String memberZone) {
        return IanaZone.of(memberZone).orElse(zone);
    }

    /** When a member not due at once is due ({@code at}), or that it is skipped because its local time had passed. */
    record Due(Instant at, boolean passed) {
    }

    /**
     * When a member in {@code z} is due, judged at {@code now} for a campaign first started at {@code firstStart}: null
     * when it is due now; {@code passed} when its local time had passed at the first start and the operator chose to
     * skip such members.
     */
    Due due(ZoneId z, Instant firstStart, Instant now) {
        Instant at = now;
        if (date != null) {
            Instant target = ZonedDateTime.of(date, time, z).toInstant();
            if (target.isBefore(firstStart) && skipPassed) {
                return new Due(now, true);
            }
            at = target.isAfter(now) ? target : now;
        }
        if (quietStart != null) {
            at = outsideQuietHours(at, z);
        }
        return at.isAfter(now) ? new Due(at, false) : null;
    }

    /** {@code at}, or the end of the quiet hours it falls in (member-local time in {@code z}). */
    Instant outsideQuietHours(Instant at, ZoneId z) {
        ZonedDateTime local = at.atZone(z);
        LocalTime t = local.toLocalTime();
        boolean inside = quietStart.isBefore(quietEnd)
                ? !t.isBefore(quietStart) && t.isBefore(quietEnd)
                : !t.isBefore(quietStart) || t.isBefore(quietEnd);
        if (!inside) {
            return at;
        }
        ZonedDateTime open = ZonedDateTime.of(local.toLocalDate(), quietEnd, z);
        if (!open.toInstant().isAfter(at)) {
            open = ZonedDateTime.of(local.toLocalDate().plusDays(1), quietEnd, z);
        }
        return open.toInstant();
    }

    /**
     * The stored {@code timing} of a request, checked; the global quiet hours apply unless the request overrides them,
     * and none apply to a {@code critical} campaign. Null when the campaign has neither a local time nor quiet hours.
     */
    static Document stored(CampaignRequest.Timing req, TimingConfig config, Instant now, boolean variants, boolean critical) {
        Document quiet = !critical && config.quietStart().isPresent() && config.quietEnd().isPresent()
                ? window(config.quietStart().get(), config.quietEnd().get(), "push.timing.quiet-start") : null;
        String zoneName = req == null || req.timezone() == null ? config.defaultZone() : req.timezone();
        if (IanaZone.of(zoneName).isEmpty()) {
            throw ApiException.badRequest(req == null || req.timezone() == null ? "push.timing.default-zone" : "timing.timezone",
                    IanaZone.RULE);
        }
        if (req == null) {
            return quiet == null ? null : new Document("zone", zoneName).append("quiet", quiet);
        }
        Document out = new Document("zone", zoneName);
        if (req.date() != null || req.localTime() != null) {
            if (req.date() == null || req.localTime() == null) {
                throw ApiException.badRequest(req.date() == null ? "timing.date" : "timing.localTime",
                        "a local-time campaign gives both timing.date and timing.localTime");
            }
            if (variants) {
                throw ApiException.badRequest("timing.date", "an A/B campaign cannot be sent at a local time");
            }
            LocalDate date = parse("timing.date", req.date(), LocalDate::parse, "must be a date such as 2026-12-05");
            LocalTime time = parse("timing.localTime", req.localTime(), LocalTime::parse, "must be a time such as 10:00");
            if (!ZonedDateTime.of(date, time, LATEST).toInstant().isAfter(now)) {
                throw ApiException.badRequest("timing.date", "is in the past: " + date + " " + time + " has passed in every zone");
            }
            String passed = req.passed() == null ? SEND : req.passed();
            if (!SEND.equals(passed) && !SKIP.equals(passed)) {
                throw ApiException.badRequest("timing.passed", "must be send or skip");
            }
            out.append("date", date.toString()).append("time", time.toString()).append("passed", passed);
        } else if (req.passed() != null) {
            throw ApiException.badRequest("timing.passed", "applies to a local-time campaign (timing.date and timing.localTime)");
        }
        CampaignRequest.QuietHours q = req.quietHours();
        if (q != null) {
            if (Boolean.FALSE.equals(q.enabled()) || critical) {
                quiet = null;
            } else {
                if (q.start() == null || q.end() == null) {
                    throw ApiException.badRequest(q.start() == null ? "timing.quietHours.start" : "timing.quietHours.end",
                            "is required (or enabled: false to send at any hour)");
                }
                quiet = window(parse("timing.quietHours.start", q.start(), LocalTime::parse, "must be a time such as 21:00"),
                        parse("timing.quietHours.end", q.end(), LocalTime::parse, "must be a time such as 08:00"),
                        "timing.quietHours");
            }
        }
        if (quiet != null) {
            out.append("quiet", quiet);
        }
        return out.containsKey("date") || quiet != null ? out : null;
    }

    /**
     * The {@code timing} of a recurring campaign's run: the series' rule (zone, local time and {@code passed}, quiet
     * hours) without its state, and for a local-time series the occurrence's own {@code day} (its date in the series'
     * schedule zone) in place of the series' date. Null when the series has none.
     */
    public static Document ofOccurrence(Document series, LocalDate day) {
        if (series == null) {
            return null;
        }
        Document out = new Document("zone", series.getString("zone"));
        if (series.getString("time") != null) {
            out.append("date", day.toString()).append("time", series.getString("time")).append("passed", series.getString("passed"));
        }
        if (series.get("quiet") != null) {
            out.append("quiet", series.get("quiet"));
        }
        return out;
    }

    private static Document window(LocalTime start, LocalTime end, String field) {
        if (start.equals(end)) {
            throw ApiException.badRequest(field, "is an empty window: start and end are both " + start);
        }
        return new Document("start", start.toString()).append("end", end.toString());
    }

    private static <T> T parse(String field, String value, java.util.function.Function<String, T> parser, String rule) {
        try {
            return parser.apply(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field, rule);
        }
    }
}
