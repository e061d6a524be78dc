package dev.push.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The one spelling of a request path that path-based rules compare: every segment's {@code ;parameters}
 * dropped, percent-escapes decoded, empty and {@code .} segments left out, {@code ..} applied, lower case.
 * Routers accept all of these spellings for the same route, so a rule that compared the raw path could be
 * walked around ({@code /q;x/metrics}, {@code /q//metrics}, {@code /q/%6Detrics}).
 */
final class RoutePath {
    private RoutePath() {
    }

    static String canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        int query = raw.indexOf('?');
        String path = query < 0 ? raw : raw.substring(0, query);
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            // A decoded %2F makes more segments; a router that decodes it must not gain a way around a rule.
            for (String part : decode(name).split("/")) {
                int inner = part.indexOf(';');
                String p = inner < 0 ? part : part.substring(0, inner);
                if (p.isEmpty() || p.equals(".")) {
                    continue;
                }
                if (p.equals("..")) {
                    segments.pollLast();
                } else {
                    segments.addLast(p.toLowerCase(Locale.ROOT));
                }
            }
        }
        return "/" + String.join("/", segments);
    }

    /** Whether the canonical path is {@code prefix} or below it. */
    static boolean under(String canonical, String prefix) {
        return canonical.equals(prefix) || canonical.startsWith(prefix + "/");
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
