package dev.push.campaign;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule of when a member is due ({@link DeliveryTiming}) and a chunk's due order ({@link TimedChunk}), on fixed instants. */
class DeliveryTimingTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    static DeliveryTiming quiet(String start, String end) {
        return DeliveryTiming.of(new Document("zone", "UTC").append("quiet", new Document("start", start).append("end", end)));
    }

    @Test
    void aMemberInsideOvernightQuietHoursIsDueWhenTheyEndTheNextMorning() {
        // 22:30 in Paris (UTC+1 in December) is inside 21:00–08:00: due at 08:00 Paris the next day.
        Instant now = Instant.parse("2026-12-04T21:30:00Z");
        DeliveryTiming.Due due = quiet("21:00", "08:00").due(PARIS, now, now);
        assertEquals(Instant.parse("2026-12-05T07:00:00Z"), due.at());
    }

    @Test
    void aMemberInsideOvernightQuietHoursAfterMidnightIsDueTheSameMorning() {
        Instant now = Instant.parse("2026-12-05T01:00:00Z"); // 02:00 in Paris
        assertEquals(Instant.parse("2026-12-05T07:00:00Z"), quiet("21:00", "08:00").due(PARIS, now, now).at());
    }

    @Test
    void aMemberOutsideQuietHoursIsDueNow() {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        assertNull(quiet("21:00", "08:00").due(PARIS, now, now));
        // A daytime window: 13:00 Paris is inside 12:00–14:00.
        assertEquals(Instant.parse("2026-12-05T13:00:00Z"), quiet("12:00", "14:00").due(PARIS, now, now).at());
    }

    @Test
    void theEndOfTheWindowIsItsFirstMinuteOutside() {
        Instant eight = Instant.parse("2026-12-05T07:00:00Z"); // 08:00 in Paris
        assertNull(quiet("21:00", "08:00").due(PARIS, eight, eight));
        Instant nine = Instant.parse("2026-12-05T20:00:00Z"); // 21:00 in Paris
        assertEquals(Instant.parse("2026-12-06T07:00:00Z"), quiet("21:00", "08:00").due(PARIS, nine, nine).at());
    }

    @Test
    void aLocalTimeInTheSpringForwardGapIsTheInstantAfterIt() {
        // 02:30 does not exist in Paris on 2026-03-29 (clocks go from 02:00 to 03:00): 03:30 CEST, 01:30Z.
        DeliveryTiming t = DeliveryTiming.of(new Document("zone", "UTC").append("date", "2026-03-29").append("time", "02:30")
                .append("passed", "send"));
        Instant now = Instant.parse("2026-03-28T12:00:00Z");
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), t.due(PARIS, now, now).at());
    }

    @Test
    void aChunkIsArrangedPassedFirstThenDueNowThenWaveByWave() {
        DeliveryTiming t = DeliveryTiming.of(new Document("zone", "UTC").append("date", "2026-12-05").append("time", "10:00")
                .append("passed", "skip"));
        Instant start = Instant.parse("2026-12-05T02:00:00Z"); // after Tokyo's 10:00 (01:00Z), before Paris' (09:00Z)
        List<String> members = List.of("ny", "tokyo", "paris", "utc", "paris2");
        Map<String, String> zones = Map.of("ny", "America/New_York", "tokyo", "Asia/Tokyo", "paris", "Europe/Paris",
                "paris2", "Europe/Paris");
        TimedChunk c = TimedChunk.arrange(t, members, zones, start, start);
        assertEquals(List.of("tokyo", "paris", "paris2", "utc", "ny"), c.order());
        assertEquals(1, c.passed());
        assertEquals(List.of(new TimedChunk.Wave(0, "", 1),
                new TimedChunk.Wave(Instant.parse("2026-12-05T09:00:00Z").getEpochSecond(), "Europe/Paris", 3),
                new TimedChunk.Wave(Instant.parse("2026-12-05T10:00:00Z").getEpochSecond(), "UTC", 4),
                new TimedChunk.Wave(Instant.parse("2026-12-05T15:00:00Z").getEpochSecond(), "America/New_York", 5)), c.waves());
        assertEquals(1, c.dueBy(start));
        assertEquals(3, c.dueBy(Instant.parse("2026-12-05T09:00:00Z")));
        assertEquals(5, c.dueBy(Instant.parse("2026-12-06T00:00:00Z")));
        assertEquals(c, TimedChunk.of(new Document(c.toDocument()).append("committed", 0)), "kept in the record as arranged");
        Map<List<Object>, Long> held = new java.util.HashMap<>();
        c.heldFrom(3, held);
        assertEquals(Map.of(List.of(Instant.parse("2026-12-05T10:00:00Z").getEpochSecond(), "UTC"), 1L,
                List.of(Instant.parse("2026-12-05T15:00:00Z").getEpochSecond(), "America/New_York"), 1L), held);
        assertTrue(c.order().containsAll(members) && c.order().size() == members.size());
    }
}
