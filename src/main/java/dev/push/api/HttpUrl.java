package dev.push.api;

import java.net.URI;

/** The rule for a URL an operator or a browser gives Push to call: absolute, http or https, with a host. */
public final class HttpUrl {
    private HttpUrl() {
    }

    public static boolean isValid(String s) {
        try {
            URI u = URI.create(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
