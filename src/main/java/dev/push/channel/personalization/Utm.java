package dev.push.channel.personalization;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Appends a campaign's UTM parameters to a link, leaving those the link already carries. */
public final class Utm {
    /** The parameters a campaign may set, as {@code utm: {source: …}} → {@code utm_source=…}. */
    public static final List<String> NAMES = List.of("source", "medium", "campaign", "term", "content");

    private Utm() {
    }

    public static String append(String link, Map<String, String> utm) {
        if (link == null || link.isBlank() || utm == null || utm.isEmpty()) {
            return link;
        }
        int hash = link.indexOf('#');
        String fragment = hash < 0 ? "" : link.substring(hash);
        StringBuilder out = new StringBuilder(hash < 0 ? link : link.substring(0, hash));
        String query = out.indexOf("?") < 0 ? "" : out.substring(out.indexOf("?") + 1);
        for (String name : NAMES) {
            String value = utm.get(name);
            String param = "utm_" + name;
            if (value == null || value.isEmpty() || hasParam(query, param)) {
                continue;
            }
            out.append(out.indexOf("?") < 0 ? '?' : (out.charAt(out.length() - 1) == '?' || out.charAt(out.length() - 1) == '&' ? "" : "&"));
            out.append(param).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return out.append(fragment).toString();
    }

    private static boolean hasParam(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }
}
