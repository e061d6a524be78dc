package dev.push.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * viewer reads, operator also creates and controls audiences, campaigns and imports, admin also manages users, tokens
 * and channels. events stands apart: it may only report members' receipts and conversions ({@code POST /api/events}),
 * the role for an app back end's or SDK's token; admin includes it. sends stands apart too: it may only trigger sends
 * ({@code POST /api/sends}) and read their outcomes, the role for an app back end's token; operators may send as well.
 * devices stands apart likewise: it may only register and remove members' devices
 * ({@code PUT/DELETE /api/members/{id}/devices/{deviceId}}), the role for an app back end's token; operators may too.
 */
public final class Roles {
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    public static final String EVENTS = "events";
    public static final String SENDS = "sends";
    public static final String DEVICES = "devices";
    public static final List<String> ALL = List.of(VIEWER, OPERATOR, ADMIN, EVENTS, SENDS, DEVICES);

    private Roles() {
    }

    /** The roles a holder of these roles has: each role includes the ones below it. */
    public static Set<String> expand(Iterable<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : roles) {
            switch (r) {
                case ADMIN -> out.addAll(ALL);
                case OPERATOR -> out.addAll(List.of(VIEWER, OPERATOR));
                case VIEWER -> out.add(VIEWER);
                case EVENTS -> out.add(EVENTS);
                case SENDS -> out.add(SENDS);
                case DEVICES -> out.add(DEVICES);
                default -> { }
            }
        }
        return out;
    }

    public static boolean valid(String role) {
        return ALL.contains(role);
    }
}
