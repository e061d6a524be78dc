package dev.push.member;

import dev.push.time.IanaZone;

/** An import's {@code timezone}: the member's IANA time zone (docs/timing.md); anything else rejects the line. */
final class TimeZoneField {
    static final String NAME = "timezone";

    private TimeZoneField() {
    }

    /** The zone as stored, or null for an empty value. */
    static String read(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (IanaZone.of(value).isEmpty()) {
            throw new RejectedLine(NAME + " \"" + NdjsonMembers.shorten(value) + "\" " + IanaZone.RULE);
        }
        return value;
    }
}
