package dev.push.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The headers every answer carries, the console's pages and the API's alike: a Content-Security-Policy that runs
 * only the service's own script files (no inline script, no inline handlers, no eval) and lets no page frame it,
 * {@code X-Frame-Options: DENY} for older browsers, {@code nosniff}, and no Referer to other sites. The Swagger UI
 * (behind a viewer by default) is Quarkus' page with an inline start-up script; it alone may run inline script.
 */
@ApplicationScoped
public class SecurityHeaders {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final String SWAGGER_UI_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    void register(@Observes Filters filters) {
        filters.register(this::handle, 2000);
    }

    void handle(RoutingContext rc) {
        boolean swaggerUi = RoutePath.under(RoutePath.canonical(rc.request().path()), "/q/swagger-ui");
        rc.addHeadersEndHandler(v -> {
            MultiMap headers = rc.response().headers();
            headers.set("Content-Security-Policy", swaggerUi ? SWAGGER_UI_POLICY : POLICY);
            headers.set("X-Frame-Options", "DENY");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
        });
        rc.next();
    }
}
