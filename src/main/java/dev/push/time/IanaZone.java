package dev.push.time;

import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;

/**
 * A time zone named as in the IANA database ({@code Europe/Paris}, {@code UTC}): the zones Java knows by region id.
 * Fixed offsets ({@code +02:00}) are refused: they ignore daylight saving time, which is what a member's zone is for.
 */
public final class IanaZone {
    public static final String RULE = "must be an IANA time zone such as Europe/Paris";
    private static final Set<String> KNOWN = ZoneId.getAvailableZoneIds();

    private IanaZone() {
    }

    /** The zone {@code name} names, or empty when it is not an IANA zone. */
    public static Optional<ZoneId> of(String name) {
        return name != null && KNOWN.contains(name) ? Optional.of(ZoneId.of(name)) : Optional.empty();
    }
}
