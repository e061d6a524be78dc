package dev.push.security;

import dev.push.Api;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may do what: 401 without credentials, 403 for a role too small, tokens, the login limit, the audit trail. */
@QuarkusTest
class SecurityTest {
    static final String PASSWORD = "a-long-password";
    static String viewer;
    static String operator;

    @BeforeEach
    void users() {
        if (viewer != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        viewer = "viewer-" + suffix;
        operator = "operator-" + suffix;
        createUser(viewer, List.of("viewer"));
        createUser(operator, List.of("operator"));
    }

    static void createUser(String name, List<String> roles) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "password", PASSWORD, "roles", roles))
                .post("/api/users").then().statusCode(201).body("password", nullValue());
    }

    static io.restassured.specification.RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, PASSWORD);
    }

    /** One route of each group, with the method and body that exercise it. */
    record Route(String method, String path, Object body) {
        Response call(io.restassured.specification.RequestSpecification spec) {
            if (body instanceof String ndjson) {
                spec = spec.contentType("application/x-ndjson").body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (body != null) {
                spec = spec.contentType(ContentType.JSON).body(body);
            }
            return spec.request(method, path);
        }
    }

    static final List<Route> READS = List.of(new Route("GET", "/api/audiences", null), new Route("GET", "/api/campaigns", null),
            new Route("GET", "/api/channels", null), new Route("GET", "/api/members/nobody", null),
            new Route("GET", "/api/tasks/1", null), new Route("GET", "/api/instances", null), new Route("GET", "/api/me", null),
            new Route("GET", "/api/tokens", null), new Route("POST", "/constraint/list", Map.of()));
    static final List<Route> OPERATOR_ACTIONS = List.of(
            new Route("POST", "/api/audiences", Map.of("name", "x", "source", Map.of("kind", "ids", "ids", List.of("a")), "workers", 1)),
            new Route("POST", "/api/campaigns/999999/start", null), new Route("PATCH", "/api/audiences/999999", Map.of("name", "n")),
            new Route("DELETE", "/api/campaigns/999999", null), new Route("POST", "/api/members/import", ""),
            new Route("POST", "/constraint/start", Map.of("id", 999999)), new Route("POST", "/project/stop", Map.of("id", 999999)));
    static final List<Route> ADMIN_ACTIONS = List.of(new Route("GET", "/api/users", null),
            new Route("POST", "/api/users", Map.of("name", "x")), new Route("DELETE", "/api/users/nobody", null),
            new Route("GET", "/api/audit", null), new Route("POST", "/api/channels", Map.of("name", "x")),
            new Route("DELETE", "/api/channels/nobody", null));

    @Test
    void everyRouteGroupAnswers401WithoutCredentials() {
        for (List<Route> group : List.of(READS, OPERATOR_ACTIONS, ADMIN_ACTIONS)) {
            for (Route r : group) {
                assertEquals(401, r.call(given().auth().none()).statusCode(), () -> r + " without credentials");
            }
        }
        given().auth().none().get("/api/audiences").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        given().auth().none().get("/q/health/ready").then().statusCode(200);
        given().auth().none().get("/q/metrics").then().statusCode(401);
        given().auth().none().get("/index.html").then().statusCode(200);
        given().auth().none().get("/login.html").then().statusCode(200);
    }

    @Test
    void wrongPasswordAndUnknownTokenAre401() {
        given().auth().preemptive().basic(viewer, "wrong-password").get("/api/me").then().statusCode(401);
        given().auth().none().header("Authorization", "Bearer push_nonsense").get("/api/me").then().statusCode(401);
    }

    @Test
    void viewerReadsButCannotOperateAndOperatorCannotAdminister() {
        for (Route r : READS) {
            assertFalse(List.of(401, 403).contains(r.call(as(viewer)).statusCode()), () -> r + " as viewer");
        }
        for (Route r : OPERATOR_ACTIONS) {
            assertEquals(403, r.call(as(viewer)).statusCode(), () -> r + " as viewer");
            assertFalse(List.of(401, 403).contains(r.call(as(operator)).statusCode()), () -> r + " as operator");
        }
        for (Route r : ADMIN_ACTIONS) {
            assertEquals(403, r.call(as(viewer)).statusCode(), () -> r + " as viewer");
            assertEquals(403, r.call(as(operator)).statusCode(), () -> r + " as operator");
        }
        as(viewer).get("/api/me").then().statusCode(200).body("name", equalTo(viewer)).body("roles", hasItem("viewer"))
                .body("roles", not(hasItem("operator")));
    }

    @Test
    void bearerTokenOnTheOpRoutesAndTheApiWithItsRoles() {
        Response created = as(operator).contentType(ContentType.JSON).body(Map.of("name", "op console"))
                .post("/api/tokens");
        created.then().statusCode(201).body("owner", equalTo(operator));
        String token = created.jsonPath().getString("token");
        String id = created.jsonPath().getString("id");
        assertTrue(token.startsWith("push_"));

        given().auth().none().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(Map.of())
                .post("/constraint/list").then().statusCode(200).body("ret", equalTo(1));
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/me").then().statusCode(200)
                .body("name", equalTo(operator)).body("via", equalTo("token"));
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/users").then().statusCode(403);

        // The value is never answered again, nor its hash.
        String listed = as(operator).get("/api/tokens").then().statusCode(200).extract().asString();
        assertFalse(listed.contains(token));
        assertFalse(listed.contains("hash"));
        assertTrue(listed.contains(id));

        // A viewer's token with operator roles is refused; an operator cannot make a token for someone else.
        as(viewer).contentType(ContentType.JSON).body(Map.of("name", "t", "roles", List.of("operator")))
                .post("/api/tokens").then().statusCode(403);
        as(operator).contentType(ContentType.JSON).body(Map.of("name", "t", "owner", viewer))
                .post("/api/tokens").then().statusCode(403);

        as(operator).delete("/api/tokens/" + id).then().statusCode(204);
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/me").then().statusCode(401);
    }

    @Test
    void theTokenOfADeletedUserIsRefusedAtOnceThoughUsedAMomentBefore() {
        String owner = "leaver-" + UUID.randomUUID().toString().substring(0, 8);
        createUser(owner, List.of("operator"));
        String token = as(owner).contentType(ContentType.JSON).body(Map.of("name", "app")).post("/api/tokens")
                .then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/me").then().statusCode(200)
                .body("name", equalTo(owner));
        given().delete("/api/users/" + owner).then().statusCode(204);
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/me").then().statusCode(401);
    }

    @Test
    void adminMakesAViewerTokenForAUser() {
        String token = given().contentType(ContentType.JSON).body(Map.of("name", "ro", "owner", operator, "roles", List.of("viewer")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + token).get("/api/audiences").then().statusCode(200);
        given().auth().none().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(Map.of("id", 1))
                .post("/constraint/start").then().statusCode(403);
    }

    @Test
    void loginAttemptsAreRateLimited() {
        String victim = "victim-" + UUID.randomUUID().toString().substring(0, 8);
        createUser(victim, List.of("viewer"));
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic(victim, "not-the-password").get("/api/me").then().statusCode(401);
        }
        given().auth().preemptive().basic(victim, "not-the-password").get("/api/me").then().statusCode(429);
        // Even the right password waits out the minute; other users are not affected.
        given().auth().preemptive().basic(victim, PASSWORD).get("/api/me").then().statusCode(429);
        as(viewer).get("/api/me").then().statusCode(200);
    }

    @Test
    void theFirstStartAdminExistsWithTheConfiguredPasswordAndSecretsAreNeverAnswered() {
        given().get("/api/me").then().statusCode(200).body("name", equalTo("admin")).body("roles", hasItem("admin"));
        String users = given().get("/api/users").then().statusCode(200).body("name", hasItem("admin")).extract().asString();
        assertFalse(users.contains("password"), users);
        assertFalse(users.contains("$2a$"), "no bcrypt hash in " + users);
        String audit = given().queryParam("limit", 1000).get("/api/audit").then().statusCode(200).extract().asString();
        assertFalse(audit.contains(PASSWORD), "no password in the audit trail");
        assertFalse(audit.contains("push_"), "no token value in the audit trail");
    }

    /** Signs in through the login form as the console does; answers the cookies it set. */
    static Map<String, String> login(String user) {
        Response login = given().auth().none().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", user).formParam("j_password", PASSWORD).post("/j_security_check");
        assertTrue(login.statusCode() == 302 || login.statusCode() == 200, "login answered " + login.statusCode());
        for (String name : List.of(HttpGuard.SESSION_COOKIE, Sessions.COOKIE)) {
            String setCookie = login.getHeaders().getValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow(() -> new AssertionError("no cookie " + name));
            assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
            assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
            assertTrue(setCookie.contains("Path=/"), setCookie);
        }
        return Map.of(HttpGuard.SESSION_COOKIE, login.getCookie(HttpGuard.SESSION_COOKIE), Sessions.COOKIE, login.getCookie(Sessions.COOKIE));
    }

    @Test
    void cookieSessionChangesNeedTheCsrfHeader() {
        Map<String, String> cookies = login(operator);
        given().auth().none().cookies(cookies).get("/api/me").then().statusCode(200)
                .body("name", equalTo(operator)).body("via", equalTo("session"));
        Map<String, Object> audience = Map.of("name", "csrf", "source", Map.of("kind", "ids", "ids", List.of("a")), "workers", 1);
        given().auth().none().cookies(cookies).contentType(ContentType.JSON).body(audience)
                .post("/api/audiences").then().statusCode(403);
        given().auth().none().cookies(cookies).header(HttpGuard.CSRF_HEADER, "test")
                .contentType(ContentType.JSON).body(audience).post("/api/audiences").then().statusCode(201);
    }

    @Test
    void signingOutEndsTheSessionEvenForACopyOfItsCookies() {
        Map<String, String> first = login(operator);
        Map<String, String> second = login(operator);
        given().auth().none().cookies(first).get("/api/me").then().statusCode(200).body("name", equalTo(operator));
        // The sealed session cookie alone is not enough: it needs a session still open.
        given().auth().none().cookie(HttpGuard.SESSION_COOKIE, first.get(HttpGuard.SESSION_COOKIE)).get("/api/me").then().statusCode(401);
        given().auth().none().cookies(Map.of(HttpGuard.SESSION_COOKIE, first.get(HttpGuard.SESSION_COOKIE), Sessions.COOKIE, "made-up"))
                .get("/api/me").then().statusCode(401);

        given().auth().none().cookies(first).post("/api/logout").then().statusCode(403);
        Response out = given().auth().none().cookies(first).header(HttpGuard.CSRF_HEADER, "test").post("/api/logout");
        out.then().statusCode(204);
        for (String name : List.of(HttpGuard.SESSION_COOKIE, Sessions.COOKIE)) {
            List<String> set = out.getHeaders().getValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).toList();
            assertEquals(1, set.size(), name + " set once: " + set);
            assertTrue(set.get(0).startsWith(name + "=;") && set.get(0).contains("Max-Age=0") && set.get(0).contains("Path=/"),
                    set.get(0));
        }
        given().auth().none().cookies(first).get("/api/me").then().statusCode(401);
        given().auth().none().cookies(first).get("/api/audiences").then().statusCode(401);
        // Another sign-in of the same user is another session, and goes on.
        given().auth().none().cookies(second).get("/api/me").then().statusCode(200).body("name", equalTo(operator));
        // Signing out is no change of data: the trail does not list it.
        assertEquals(List.of(), given().queryParam("target", "logout").get("/api/audit").then().statusCode(200)
                .extract().jsonPath().getList("action"));
        given().auth().none().post("/api/logout").then().statusCode(401);
    }

    @Test
    void changesAreAuditedWithTheUserAndTaskHistoriesNameIt() {
        long id = given().auth().preemptive().basic(operator, PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "audited", "source", Map.of("kind", "ids", "ids", List.of("m1", "m2")), "workers", 1))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        as(operator).post("/api/audiences/" + id + "/start").then().statusCode(200);
        as(operator).contentType(ContentType.JSON).body(Map.of("name", "audited again")).patch("/api/audiences/" + id)
                .then().statusCode(200);

        var history = Api.get("audiences", id);
        assertEquals(operator, history.getString("history[0].by"));
        assertEquals(operator, history.getString("history[1].by"));

        var entries = given().queryParam("actor", operator).queryParam("target", "audiences/" + id)
                .get("/api/audit").then().statusCode(200).extract().jsonPath();
        List<String> actions = entries.getList("action");
        assertTrue(actions.contains("POST /api/audiences/" + id + "/start"), actions.toString());
        assertTrue(actions.contains("PATCH /api/audiences/" + id), actions.toString());
        assertEquals("audited again", entries.getString("find { it.action == 'PATCH /api/audiences/" + id + "' }.after.name"));

        String name = "temp-" + UUID.randomUUID().toString().substring(0, 8);
        createUser(name, List.of("viewer"));
        given().delete("/api/users/" + name).then().statusCode(204);
        List<String> userActions = given().queryParam("target", "users/" + name).get("/api/audit").then().statusCode(200)
                .extract().jsonPath().getList("action");
        assertEquals(List.of("create user", "delete user"), userActions);
        given().queryParam("after", "yesterday").get("/api/audit").then().statusCode(400);
    }

    /** The audit entries of a target, newest first. */
    static io.restassured.path.json.JsonPath trail(String target) {
        return given().queryParam("target", target).queryParam("order", "newest").get("/api/audit")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void taskChangesAreAuditedWithTheStateBeforeAndAfter() {
        // 2,000 members at 20 a second: the campaign stays started while the test drives it.
        long id = Api.campaign(Api.builtAudience(Api.memberIds("audit-" + System.nanoTime() + "-", 2_000)), "log", 2, 20, 10, 10);
        Api.command("campaigns", id, "start", 200);
        Api.command("campaigns", id, "pause", 200);
        given().contentType(ContentType.JSON).body(Map.of("workers", 3, "qps", 30)).patch("/api/campaigns/" + id)
                .then().statusCode(200);
        Api.command("campaigns", id, "stop", 200);

        var trail = trail("campaigns/" + id);
        String c = "/api/campaigns/" + id;
        assertEquals(List.of("POST " + c + "/stop", "PATCH " + c, "POST " + c + "/pause", "POST " + c + "/start"),
                trail.getList("action"));
        assertEquals(List.of("admin", "admin", "admin", "admin"), trail.getList("actor"));
        Map<String, Object> pause = trail.getMap("[2]");
        assertEquals(Map.of("id", (int) id, "name", "campaign", "state", "started", "disabled", false, "workers", 2, "qps", 20),
                pause.get("before"));
        assertEquals(Map.of("id", (int) id, "name", "campaign", "state", "paused", "disabled", false, "workers", 2, "qps", 20),
                pause.get("after"));
        assertEquals("ready", trail.getString("[3].before.state"));
        assertEquals("started", trail.getString("[3].after.state"));
        assertEquals(List.of(2, 20, 3, 30), List.of(trail.getInt("[1].before.workers"), trail.getInt("[1].before.qps"),
                trail.getInt("[1].after.workers"), trail.getInt("[1].after.qps")));
        assertEquals(List.of("paused", "stopped"), List.of(trail.getString("[0].before.state"), trail.getString("[0].after.state")));

        // A campaign that never ran may be deleted: its entry has a before and no after.
        long unused = Api.campaign(Api.builtAudience(List.of("audit-del-1")), "log", 1, 0, 10, 10);
        given().delete("/api/campaigns/" + unused).then().statusCode(204);
        var deleted = trail("campaigns/" + unused);
        assertEquals("DELETE /api/campaigns/" + unused, deleted.getString("[0].action"));
        assertEquals("ready", deleted.getString("[0].before.state"));
        assertNull(deleted.get("[0].after"));
    }

    @Test
    void channelChangesShowTheVersionBeforeAndAfterAndNeverTheCredentials() {
        String name = "audited-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "audit-secret-" + UUID.randomUUID();
        Map<String, Object> channel = Map.of("name", name, "type", "webhook",
                "settings", Map.of("endpoint", "http://127.0.0.1:9/hook"), "credentials", Map.of("secret", secret));
        given().contentType(ContentType.JSON).body(channel).post("/api/channels").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "webhook",
                "settings", Map.of("endpoint", "http://127.0.0.1:9/other"))).put("/api/channels/" + name).then().statusCode(200);
        given().delete("/api/channels/" + name).then().statusCode(204);

        var trail = trail("channels/" + name);
        assertEquals(List.of("DELETE /api/channels/" + name, "PUT /api/channels/" + name), trail.getList("action"));
        assertEquals(Map.of("name", name, "type", "webhook", "version", 1), trail.getMap("[1].before"));
        assertEquals(Map.of("name", name, "type", "webhook", "version", 2), trail.getMap("[1].after"));
        assertEquals(Map.of("name", name, "type", "webhook", "version", 2), trail.getMap("[0].before"));
        assertNull(trail.get("[0].after"));
        String all = given().queryParam("limit", 1000).get("/api/audit").then().statusCode(200).extract().asString();
        assertFalse(all.contains(secret), "no channel secret in the audit trail");
        assertFalse(all.contains("9/other"), "no channel settings in the audit trail");
    }

    @Test
    void theTrailPagesNewestFirstByEntry() {
        String name = "paged-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            createUser(name + "-" + i, List.of("viewer"));
        }
        var newest = given().queryParam("actor", "admin").queryParam("order", "newest").queryParam("limit", 2)
                .get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("users/" + name + "-4", "users/" + name + "-3"), newest.getList("target"));
        var next = given().queryParam("actor", "admin").queryParam("order", "newest").queryParam("limit", 2)
                .queryParam("before", newest.getString("[1].id")).get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("users/" + name + "-2", "users/" + name + "-1"), next.getList("target"));
        // after (an instant, exclusive) keeps the newer ones, oldest first by default.
        var since = given().queryParam("actor", "admin").queryParam("after", next.getString("[0].at"))
                .queryParam("target", "users/" + name + "-2").get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(), since.getList("target"), "the entry at that instant is not after it");
        var afterFirst = given().queryParam("actor", "admin").queryParam("after", next.getString("[1].at")).queryParam("limit", 10)
                .get("/api/audit").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("users/" + name + "-2", "users/" + name + "-3", "users/" + name + "-4"), afterFirst.getList("target"));
        given().queryParam("order", "sideways").get("/api/audit").then().statusCode(400).body("detail", containsString("order"));
        given().queryParam("before", "not-an-entry").get("/api/audit").then().statusCode(400).body("detail", containsString("before"));
        given().queryParam("before", "000000000000000000000000").get("/api/audit").then().statusCode(400);
    }
}
