package dev.push.channel.personalization;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A campaign link opens in a browser or an app: only http, https and the app deep-link schemes the
 * operator configured ({@code push.message.link-schemes}) may start it, never {@code javascript:},
 * {@code data:} or {@code file:}. Checked on the template at creation (when it starts with text)
 * and on every rendered link (a link made of member data is known only then).
 */
final class LinkSchemes {
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    private final Set<String> allowed = new TreeSet<>(Set.of("http", "https"));

    LinkSchemes(Iterable<String> configured) {
        configured.forEach(s -> allowed.add(s.trim().toLowerCase(Locale.ROOT)));
    }

    /** Null when the rendered link may be sent, else why not. */
    String problem(String link) {
        if (link == null || link.isEmpty()) {
            return null;
        }
        for (int i = 0; i < link.length(); i++) {
            char c = link.charAt(i);
            // Browsers drop tabs and line breaks inside a URL ("java\tscript:" runs as javascript:).
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
        }
        return schemeProblem(link);
    }

    /**
     * At creation: a template link that starts with text must start with an allowed scheme, and so
     * must its rendering for a member without attributes when that starts with a scheme of its
     * own ({@code {#if true}javascript:…{/if}}); a link that begins with member data is known only
     * when rendered.
     */
    String templateProblem(String template, String renderedWithoutAttributes) {
        if (template == null || template.isEmpty()) {
            return null;
        }
        if (template.startsWith("{")) {
            String r = renderedWithoutAttributes;
            return r != null && !r.isEmpty() && Character.isLetter(r.charAt(0)) ? problem(r) : null;
        }
        String head = template.substring(0, template.indexOf('{') < 0 ? template.length() : template.indexOf('{'));
        return problem(head);
    }

    private String schemeProblem(String link) {
        int colon = link.indexOf(':');
        String scheme = colon < 0 ? "" : link.substring(0, colon);
        if (colon < 0 || !SCHEME.matcher(scheme).matches()) {
            return "must be an absolute URL starting with " + describe();
        }
        if (!allowed.contains(scheme.toLowerCase(Locale.ROOT))) {
            return "uses the scheme " + scheme.toLowerCase(Locale.ROOT) + ": a link may use " + describe();
        }
        return null;
    }

    private String describe() {
        return String.join(", ", allowed) + " (push.message.link-schemes adds app schemes)";
    }
}
