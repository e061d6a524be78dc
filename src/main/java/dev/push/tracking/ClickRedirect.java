package dev.push.tracking;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /c/{token}}, public: a genuine token is answered {@code 302} to the personalized link of the member it
 * names, and the click is noted in memory ({@link PendingClicks}); anything else, a forged, altered or truncated token
 * or one whose campaign is gone or no longer tracks, is the same bare {@code 404}, which tells nothing and redirects
 * nowhere. A Vert.x route rather than a REST resource: it is the service's hottest public path, and the common case
 * (a link reading only {@code {member.id}}) is answered on the event loop without the database.
 */
@ApplicationScoped
public class ClickRedirect {
    static final String NOT_FOUND = "{\"title\":\"Not Found\",\"status\":404}";

    @Inject
    TrackedLinks links;

    @Inject
    ClickTargets targets;

    @Inject
    PendingClicks clicks;

    void routes(@Observes Router router) {
        router.route(HttpMethod.GET, TrackedLinks.PATH + ":token").handler(this::handle);
        router.route(HttpMethod.HEAD, TrackedLinks.PATH + ":token").handler(this::handle);
    }

    void handle(RoutingContext rc) {
        LinkToken.Claim claim = links.read(rc.pathParam("token"));
        if (claim == null) {
            notFound(rc);
            return;
        }
        String known = targets.fromMemory(claim);
        if (known != null) {
            answer(rc, claim, known);
            return;
        }
        rc.vertx().executeBlocking(() -> targets.resolve(claim), false).onComplete(r -> {
            if (r.failed()) {
                rc.fail(r.cause());
            } else {
                answer(rc, claim, r.result() == null ? ClickTargets.NONE : r.result());
            }
        });
    }

    private void answer(RoutingContext rc, LinkToken.Claim claim, String target) {
        if (target.isEmpty()) {
            notFound(rc);
            return;
        }
        boolean preview = PreviewFetchers.isPreview(rc.request().method(), rc.request().getHeader(HttpHeaders.USER_AGENT));
        clicks.add(new PendingClicks.Click(claim.campaign(), claim.member(), claim.variant(), System.currentTimeMillis(), preview));
        rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, target)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Referrer-Policy", "no-referrer").end();
    }

    static void notFound(RoutingContext rc) {
        rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(NOT_FOUND);
    }
}
