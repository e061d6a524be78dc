package dev.push.tracking;

import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Locale;

/**
 * Requests that fetch a link to show a preview of it, not a member clicking: {@code HEAD} requests and the user agents
 * of the well-known preview fetchers of chat apps and social networks. They get the same redirect but are counted
 * apart ({@code previews}), never as the member's click.
 */
final class PreviewFetchers {
    /** Lower-case fragments of preview fetchers' user agents. */
    static final List<String> AGENTS = List.of("facebookexternalhit", "facebot", "twitterbot", "slackbot",
            "whatsapp", "telegrambot", "discordbot", "linkedinbot", "skypeuripreview", "pinterest", "redditbot",
            "applebot", "googlebot", "bingbot", "embedly", "iframely", "vkshare", "mastodon", "bitlybot");

    private PreviewFetchers() {
    }

    static boolean isPreview(HttpMethod method, String userAgent) {
        if (method == HttpMethod.HEAD) {
            return true;
        }
        if (userAgent == null) {
            return false;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String agent : AGENTS) {
            if (ua.contains(agent)) {
                return true;
            }
        }
        return false;
    }
}
