package dev.push.channel.http;

/** The start of a provider's answer, on one line, for a failure reason. */
public final class Excerpt {
    public static final int LENGTH = 200;

    private Excerpt() {
    }

    public static String of(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= LENGTH ? line : line.substring(0, LENGTH) + "…";
    }
}
