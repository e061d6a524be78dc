package dev.push.channel.personalization;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which of a message's locale variants a member gets: the member's {@code locale} attribute as a BCP 47 tag
 * ({@code fr-CA}; {@code fr_CA} is read the same), then the tag with its last part dropped, again and again
 * ({@code fr-CA} → {@code fr}), then the message's default. Tags compare without case.
 */
public final class LocaleFallback {
    /** The member attribute that holds the member's locale. */
    public static final String ATTRIBUTE = "locale";
    /** A locale tag a template may name: a language, then optional parts (region, script, variant). */
    public static final Pattern TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}");

    private LocaleFallback() {
    }

    /** The stored form of a tag: lower case, parts joined with {@code -}. */
    public static String normalize(String tag) {
        return tag.replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /** The tags to try for a member, most specific first; empty when the member has no locale. */
    public static List<String> chain(Map<String, Object> attributes) {
        Object locale = attributes == null ? null : attributes.get(ATTRIBUTE);
        List<String> out = new ArrayList<>();
        if (!(locale instanceof String s) || s.isBlank()) {
            return out;
        }
        String tag = normalize(s.trim());
        while (!tag.isEmpty()) {
            out.add(tag);
            int dash = tag.lastIndexOf('-');
            tag = dash < 0 ? "" : tag.substring(0, dash);
        }
        return out;
    }

    /** The variant for a member: the first of its chain that {@code variants} has, else {@code fallback}. */
    static <T> T choose(Map<String, T> variants, Map<String, Object> attributes, T fallback) {
        if (variants.isEmpty()) {
            return fallback;
        }
        for (String tag : chain(attributes)) {
            T v = variants.get(tag);
            if (v != null) {
                return v;
            }
        }
        return fallback;
    }
}
