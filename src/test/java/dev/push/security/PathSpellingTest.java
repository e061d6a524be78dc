package dev.push.security;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 18 §2: who may call a route does not depend on how its path is spelled. Every route group is sent
 * as every kind of caller with the path as written and respelled ({@code ;x}, {@code ;jsessionid=1}, an empty
 * {@code ;}, doubled slashes, percent-encoded letters), over real HTTP with the raw path on the wire; each
 * respelling must answer what the plain path answers. The one exception: Vert.x's router does not route a
 * {@code ;}-spelling of a {@code /q} route at all, so where the plain path answers 2xx such a spelling answers 404
 * (a denied caller still gets the plain path's 401 or 403).
 */
@QuarkusTest
class PathSpellingTest {
    static final String PASSWORD = SecurityTest.PASSWORD;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Map<String, String> callers;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void callers() {
        if (callers != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String viewer = "pv-" + suffix;
        String operator = "po-" + suffix;
        SecurityTest.createUser(viewer, List.of("viewer"));
        SecurityTest.createUser(operator, List.of("operator"));
        Map<String, String> m = new LinkedHashMap<>();
        // Each role by token, and Basic for the operator (bcrypt makes every Basic call cost tens of milliseconds).
        m.put("anonymous", null);
        m.put("viewer (token)", "Bearer " + token(viewer, List.of("viewer")));
        m.put("operator (token)", "Bearer " + token(operator, List.of("operator")));
        m.put("admin (token)", "Bearer " + token("admin", List.of("admin")));
        m.put("operator (Basic)", basic(operator));
        m.put("sends (token)", "Bearer " + token(operator, List.of("sends")));
        callers = m;
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes());
    }

    static String token(String owner, List<String> roles) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "spelling", "owner", owner, "roles", roles))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
    }

    /** A call that changes nothing whoever makes it: unknown ids, bodies refused after the role check. */
    record Call(String method, String path, String body) {
    }

    static final List<Call> ROUTES = List.of(
            new Call("GET", "/api/audiences", null),
            new Call("POST", "/api/audiences", "{\"name\":\"x\"}"),
            new Call("POST", "/api/audiences/count", "{\"kind\":\"ids\",\"ids\":[\"a\"]}"),
            new Call("DELETE", "/api/audiences/999999999", null),
            new Call("POST", "/api/audiences/999999999/start", null),
            new Call("PUT", "/api/audiences/999999999/upload", "a"),
            new Call("GET", "/api/campaigns", null),
            new Call("PATCH", "/api/campaigns/999999999", "{\"name\":\"n\"}"),
            new Call("POST", "/api/campaigns/999999999/preview", "{}"),
            new Call("POST", "/api/campaigns/999999999/test", "{}"),
            new Call("POST", "/api/campaigns/999999999/retry", "{}"),
            new Call("GET", "/api/campaigns/999999999/funnel", null),
            new Call("POST", "/api/campaigns/999999999/winner", "{\"variant\":\"B\"}"),
            new Call("POST", "/api/events", "[]"),
            new Call("GET", "/c/AAAAAAAAAAAAAAAA", null),
            new Call("GET", "/u/AAAAAAAAAAAAAAAA", null),
            new Call("POST", "/u/AAAAAAAAAAAAAAAA", "List-Unsubscribe=One-Click"),
            new Call("GET", "/api/members/no-such-member/preferences", null),
            new Call("PUT", "/api/members/no-such-member/preferences", "{\"optedOutOf\":[]}"),
            new Call("POST", "/api/members/suppressions?kind=phone", "x"),
            new Call("GET", "/api/channels", null),
            new Call("POST", "/api/channels", "{\"name\":\"log\",\"type\":\"webhook\"}"),
            new Call("PUT", "/api/channels/no-such-channel", "{\"name\":\"no-such-channel\",\"type\":\"webhook\"}"),
            new Call("DELETE", "/api/channels/no-such-channel", null),
            new Call("GET", "/api/members/no-such-member", null),
            new Call("POST", "/api/members/import", ""),
            new Call("GET", "/api/tasks/999999999", null),
            new Call("GET", "/api/instances", null),
            new Call("GET", "/api/me", null),
            new Call("GET", "/api/tokens", null),
            new Call("DELETE", "/api/tokens/no-such-token", null),
            new Call("GET", "/api/users", null),
            new Call("POST", "/api/users", "{\"name\":\"\"}"),
            new Call("DELETE", "/api/users/no-such-user", null),
            new Call("GET", "/api/audit", null),
            new Call("POST", "/api/sends", "{}"),
            new Call("GET", "/api/sends/999999999", null),
            new Call("GET", "/api/campaigns/999999999/recurrence", null),
            new Call("PUT", "/api/campaigns/999999999/recurrence", "{\"cron\":\"0 9 * * *\",\"zone\":\"UTC\"}"),
            new Call("POST", "/api/campaigns/999999999/recurrence/pause", "{}"),
            new Call("GET", "/api/campaigns/999999999/recurrence/runs", null),
            new Call("GET", "/api/frequency-caps", null),
            new Call("PUT", "/api/frequency-caps", "{}"),
            new Call("DELETE", "/api/frequency-caps", null),
            new Call("GET", "/api/templates", null),
            new Call("GET", "/api/templates/no-such-template", null),
            new Call("POST", "/api/templates", "{}"),
            new Call("PUT", "/api/templates/no-such-template", "{\"name\":\"no-such-template\",\"title\":\"t\"}"),
            new Call("DELETE", "/api/templates/no-such-template", null),
            new Call("POST", "/constraint/list", "{}"),
            new Call("POST", "/constraint/add", "{}"),
            new Call("POST", "/constraint/start", "{\"id\":999999999}"),
            new Call("POST", "/project/get", "{\"id\":999999999}"),
            new Call("POST", "/project/stop", "{\"id\":999999999}"),
            new Call("POST", "/target/list", "{}"),
            new Call("POST", "/target/delete", "{}"),
            new Call("GET", "/q/metrics", null),
            new Call("GET", "/q/openapi", null),
            new Call("GET", "/q/swagger-ui/", null),
            new Call("GET", "/q/health/live", null));

    /** Respellings of a path: each names the same route to the router. */
    static final Map<String, UnaryOperator<String>> SPELLINGS = spellings();

    static Map<String, UnaryOperator<String>> spellings() {
        Map<String, UnaryOperator<String>> m = new LinkedHashMap<>();
        m.put(";x after the first segment", p -> p.replaceFirst("^(/[^/]+)", "$1;x"));
        m.put(";jsessionid=1 after the first segment", p -> p.replaceFirst("^(/[^/]+)", "$1;jsessionid=1"));
        m.put("an empty ; after the first segment", p -> p.replaceFirst("^(/[^/]+)", "$1;"));
        m.put(";x at the end", p -> p.endsWith("/") ? p.substring(0, p.length() - 1) + ";x/" : p + ";x");
        m.put("a doubled slash after the first segment", p -> p.replaceFirst("^(/[^/]+)/", "$1//"));
        m.put("a doubled leading slash", p -> "/" + p);
        m.put("the second segment's first letter percent-encoded", p -> p.replaceFirst("^(/[^/]+/)(.)",
                "$1%" + Integer.toHexString(p.charAt(p.indexOf('/', 1) + 1))));
        return m;
    }

    int status(String caller, Call call, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/$", "") + path));
        String auth = callers.get(caller);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (call.body() != null) {
            b.header("Content-Type", call.path().endsWith("/upload") || call.path().contains("/suppressions") ? "text/plain"
                    : call.path().endsWith("/import") ? "application/x-ndjson" : "application/json");
        }
        b.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void everyRespellingOfEveryRouteAnswersWhatThePlainPathAnswersForEveryCaller() throws Exception {
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Call call : ROUTES) {
            for (String caller : callers.keySet()) {
                int plain = status(caller, call, call.path());
                for (var spelling : SPELLINGS.entrySet()) {
                    String path = spelling.getValue().apply(call.path());
                    int status = status(caller, call, path);
                    compared++;
                    // The /q routes' router knows no ;-spelling at all: where the plain path is allowed, those answer 404.
                    boolean unrouted = call.path().startsWith("/q/") && plain / 100 == 2 && status == 404;
                    if (status != plain && !unrouted) {
                        differences.add(caller + " " + call.method() + " " + path + " → " + status + ", plain " + call.path() + " → " + plain);
                    }
                }
            }
        }
        assertEquals(ROUTES.size() * 6 * SPELLINGS.size(), compared);
        assertEquals(List.of(), differences, String.join("\n", differences));
    }
}
