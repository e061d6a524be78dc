package dev.push.recurring;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.push.api.ApiException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * When a recurring campaign's occurrences fall: a Unix cron expression (minute, hour, day of month, month, day of
 * week: {@code 0 9 * * MON}) read in a named time zone ({@code Europe/Paris}), so 9:00 stays 9:00 across daylight
 * saving time. Parsed with cron-utils, the parser Quarkus' scheduler uses.
 */
record Schedule(String cron, ZoneId zone, ExecutionTime times) {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** The schedule, or a 400 naming {@code cron} or {@code zone}. */
    static Schedule of(String cron, String zone) {
        if (cron == null || cron.isBlank()) {
            throw ApiException.badRequest("cron", "is required: five fields, minute hour day-of-month month day-of-week, as in 0 9 * * MON");
        }
        Cron parsed;
        try {
            parsed = PARSER.parse(cron.trim());
            parsed.validate();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cron", "is not a cron expression of five fields (minute hour day-of-month month"
                    + " day-of-week): " + e.getMessage());
        }
        if (zone == null || zone.isBlank()) {
            throw ApiException.badRequest("zone", "is required: a time zone name such as Europe/Paris or UTC");
        }
        ZoneId id;
        try {
            id = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("zone", "is not a time zone name (such as Europe/Paris or UTC)");
        }
        return new Schedule(cron.trim(), id, ExecutionTime.forCron(parsed));
    }

    /** The first occurrence strictly after {@code t}; null when there is none. */
    Instant after(Instant t) {
        return times.nextExecution(t.atZone(zone)).map(z -> z.toInstant()).orElse(null);
    }

    /** The next {@code n} occurrences after {@code t}. */
    List<Instant> next(Instant t, int n) {
        List<Instant> out = new ArrayList<>(n);
        for (Instant at = after(t); at != null && out.size() < n; at = after(at)) {
            out.add(at);
        }
        return out;
    }
}
