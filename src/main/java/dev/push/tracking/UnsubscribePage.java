package dev.push.tracking;

import dev.push.consent.Consents;
import dev.push.consent.Preferences;
import dev.push.security.Audit;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;

/**
 * {@code /u/{token}}, public, the one-click unsubscribe link of emails ({@code List-Unsubscribe}). {@code GET} only
 * asks for confirmation (mail scanners and link previews follow links; they must not unsubscribe anyone); {@code POST}
 * — the page's button, or a mail client's RFC 8058 {@code List-Unsubscribe=One-Click} — opts the member out of the
 * token's category, audited as the member. Both pages name the category and nothing else: not the member, not their
 * address. A forged, altered or truncated token, or a tracked-link token, is the same bare {@code 404} as
 * {@link ClickRedirect}'s.
 */
@ApplicationScoped
public class UnsubscribePage {
    static final String CONFIRM = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribe</title>"
            + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><main><h1>Unsubscribe</h1>"
            + "<p>Stop receiving %s messages?</p><form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"
            + "</main></body></html>";
    static final String DONE = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unsubscribed</title>"
            + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><main><h1>Unsubscribed</h1>"
            + "<p>You will no longer receive %s messages.</p></main></body></html>";

    @Inject
    TrackedLinks links;

    @Inject
    Consents consents;

    @Inject
    Audit audit;

    void routes(@Observes Router router) {
        router.route(HttpMethod.GET, TrackedLinks.UNSUBSCRIBE_PATH + ":token").handler(this::confirm);
        router.route(HttpMethod.POST, TrackedLinks.UNSUBSCRIBE_PATH + ":token").handler(this::unsubscribe);
    }

    void confirm(RoutingContext rc) {
        LinkToken.Unsubscribe u = links.readUnsubscribe(rc.pathParam("token"));
        if (u == null) {
            ClickRedirect.notFound(rc);
            return;
        }
        page(rc, CONFIRM, u.category());
    }

    void unsubscribe(RoutingContext rc) {
        LinkToken.Unsubscribe u = links.readUnsubscribe(rc.pathParam("token"));
        if (u == null) {
            ClickRedirect.notFound(rc);
            return;
        }
        rc.vertx().executeBlocking(() -> {
            optOut(u);
            return null;
        }, false).onComplete(r -> {
            if (r.failed()) {
                rc.fail(r.cause());
            } else {
                page(rc, DONE, u.category());
            }
        });
    }

    private void optOut(LinkToken.Unsubscribe u) {
        Preferences before = consents.of(u.member());
        consents.optOut(Map.of(u.member(), new Consents.OptOut(Set.of(u.category()), false)));
        audit.record("member:" + u.member(), "POST /u (unsubscribe from " + u.category() + ")", "members/" + u.member(),
                view(before), view(consents.of(u.member())));
    }

    private static Map<String, Object> view(Preferences p) {
        return Map.of("optedOutOf", p.optedOutOf(), "optedOutOfAll", p.optedOutOfAll());
    }

    private static void page(RoutingContext rc, String template, String category) {
        rc.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Robots-Tag", "noindex")
                .end(template.formatted(escape(category)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
