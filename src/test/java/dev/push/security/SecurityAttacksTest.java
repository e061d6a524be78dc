package dev.push.security;

import dev.push.Api;
import dev.push.storage.PushDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 §2, §3, §5 and issue 16 §4, tried as an attacker would against the running instance over real HTTP:
 * an operator repointing a channel through a respelled path, cross-site changes riding the session cookie, the
 * session cookie over an HTTPS proxy, user-name probing by timing, the security headers, the /q routes, and
 * failed-login limits per user and per client address behind a proxy.
 */
@QuarkusTest
class SecurityAttacksTest {
    static final String PASSWORD = SecurityTest.PASSWORD;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String operator;
    static String operatorToken;
    static String viewerToken;

    @TestHTTPResource("/")
    URL base;

    @Inject
    Users users;

    @Inject
    PushDatabase database;

    @BeforeEach
    void users() {
        if (operator != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        operator = "ao-" + suffix;
        String viewer = "av-" + suffix;
        SecurityTest.createUser(operator, List.of("operator"));
        SecurityTest.createUser(viewer, List.of("viewer"));
        operatorToken = PathSpellingTest.token(operator, List.of("operator"));
        viewerToken = PathSpellingTest.token(viewer, List.of("viewer"));
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/$", "") + path));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String cookieHeader(Map<String, String> cookies) {
        StringBuilder s = new StringBuilder();
        cookies.forEach((k, v) -> s.append(s.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return s.toString();
    }

    // ---- §2: an operator cannot repoint a channel that holds credentials, however the path is spelled ----

    @Test
    void anOperatorCannotRepointAChannelWithStoredCredentialsThroughAnySpellingOfItsPath() throws Exception {
        String name = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "webhook",
                        "settings", Map.of("endpoint", "http://127.0.0.1:9/admin"), "credentials", Map.of("secret", "admin-secret-0123456789")))
                .post("/api/channels").then().statusCode(201);
        String repoint = "{\"name\":\"" + name + "\",\"type\":\"webhook\",\"settings\":{\"endpoint\":\"http://127.0.0.1:9/evil\"}}";
        List<String> paths = List.of("/api/channels/" + name, "/api;x/channels/" + name, "/api;/channels/" + name,
                "/api/channels;jsessionid=1/" + name, "/api//channels/" + name, "/api/%63hannels/" + name, "//api/channels/" + name);
        for (String path : paths) {
            for (String auth : List.of("Bearer " + operatorToken, PathSpellingTest.basic(operator))) {
                HttpResponse<String> r = send("PUT", path, Map.of("Authorization", auth, "Content-Type", "application/json"), repoint);
                assertEquals(403, r.statusCode(), "PUT " + path + " as operator: " + r.body());
            }
            assertEquals(403, send("DELETE", path, Map.of("Authorization", "Bearer " + operatorToken), null).statusCode(), "DELETE " + path);
        }
        given().get("/api/channels/" + name).then().statusCode(200)
                .body("version", org.hamcrest.Matchers.equalTo(1))
                .body("settings.endpoint", org.hamcrest.Matchers.equalTo("http://127.0.0.1:9/admin"));
    }

    // ---- §3: the CSRF header, whatever the path, and only real other schemes exempt ----

    static final List<String> SPELLINGS = List.of("/api/audiences/%d", "/api;x/audiences/%d", "/api;/audiences/%d",
            "/api/audiences;jsessionid=1/%d", "/api//audiences/%d", "//api/audiences/%d", "/%%61pi/audiences/%d");

    @Test
    void aChangeWithTheSessionCookieAndNoCsrfHeaderIsRefusedHoweverThePathIsSpelled() throws Exception {
        Map<String, String> cookies = SecurityTest.login(operator);
        long audience = Api.idsAudience(List.of("csrf-1"));
        for (String spelling : SPELLINGS) {
            String path = String.format(spelling, audience);
            HttpResponse<String> r = send("DELETE", path, Map.of("Cookie", cookieHeader(cookies)), null);
            assertEquals(403, r.statusCode(), "DELETE " + path + ": " + r.body());
            assertTrue(r.body().contains("X-Requested-With"), r.body());
            r = send("POST", path + "/start", Map.of("Cookie", cookieHeader(cookies)), null);
            assertEquals(403, r.statusCode(), "POST " + path + "/start");
        }
        assertEquals("ready", Api.get("audiences", audience).getString("state"), "neither deleted nor started");
        // With the header, the same cookie may.
        assertEquals(204, send("DELETE", "/api;x/audiences/" + audience,
                Map.of("Cookie", cookieHeader(cookies), HttpGuard.CSRF_HEADER, "test"), null).statusCode());
    }

    @Test
    void aTextPlainFormToAnOpRouteWithTheSessionCookieIsRefused() throws Exception {
        Map<String, String> cookies = SecurityTest.login(operator);
        long before = database.get("tasks").countDocuments();
        for (String path : List.of("/constraint/add", "/constraint;x/add", "/constraint/add;x", "/constraint//add")) {
            HttpResponse<String> r = send("POST", path, Map.of("Cookie", cookieHeader(cookies), "Content-Type", "text/plain"),
                    "{\"name\":\"csrf\",\"mids\":[\"1\"]}");
            assertEquals(403, r.statusCode(), "POST " + path + ": " + r.body());
        }
        assertEquals(before, database.get("tasks").countDocuments(), "nothing created");
    }

    @Test
    void anEmptyOrBrokenAuthorizationHeaderBesideTheCookieExemptsNothing() throws Exception {
        Map<String, String> cookies = SecurityTest.login(operator);
        long audience = Api.idsAudience(List.of("csrf-2"));
        for (String authorization : List.of("", " ", "Bearer", "Bearer ", "Basic", "Negotiate abc")) {
            HttpResponse<String> r = send("DELETE", "/api/audiences/" + audience,
                    Map.of("Cookie", cookieHeader(cookies), "Authorization", authorization), null);
            assertTrue(r.statusCode() == 403 || r.statusCode() == 401, "Authorization '" + authorization + "': " + r.statusCode());
        }
        assertEquals("ready", Api.get("audiences", audience).getString("state"));
        // A valid password or token beside the cookie authenticates by itself: no header needed.
        assertEquals(404, send("DELETE", "/api/audiences/999999991", Map.of("Cookie", cookieHeader(cookies),
                "Authorization", PathSpellingTest.basic(operator)), null).statusCode());
        assertEquals(404, send("DELETE", "/api/audiences/999999992", Map.of("Cookie", cookieHeader(cookies),
                "Authorization", "Bearer " + operatorToken), null).statusCode());
    }

    // ---- §5: cookies over an HTTPS proxy, probing user names, headers, /q routes ----

    @Test
    void behindAnHttpsProxyBothSessionCookiesAreSecure() {
        Response login = given().auth().none().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .contentType("application/x-www-form-urlencoded").formParam("j_username", operator).formParam("j_password", PASSWORD)
                .post("/j_security_check");
        assertTrue(login.statusCode() < 400, "login " + login.statusCode());
        for (String name : List.of(HttpGuard.SESSION_COOKIE, Sessions.COOKIE)) {
            String set = login.getHeaders().getValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " in " + login.getHeaders().getValues("Set-Cookie")));
            assertTrue(set.contains("Secure"), set);
            assertTrue(set.toLowerCase().contains("httponly"), set);
        }
        Response plain = given().auth().none().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", operator).formParam("j_password", PASSWORD).post("/j_security_check");
        assertTrue(plain.getHeaders().getValues("Set-Cookie").stream().noneMatch(c -> c.contains("Secure")), "plain HTTP: no Secure");
    }

    @Test
    void aRightPasswordIsVerifiedOnceWhileAWrongOneIsVerifiedEveryTime() {
        String scripted = "as-" + UUID.randomUUID().toString().substring(0, 8);
        SecurityTest.createUser(scripted, List.of("viewer"));
        long before = users.passwordChecks();
        for (int i = 0; i < 3; i++) {
            given().auth().preemptive().basic(scripted, PASSWORD).get("/api/me").then().statusCode(200);
        }
        assertEquals(before + 1, users.passwordChecks(), "three requests with the right password, one bcrypt verification");
        for (int i = 0; i < 2; i++) {
            given().auth().preemptive().basic(scripted, "wrong-password").header("X-Forwarded-For", "192.0.2.12")
                    .get("/api/me").then().statusCode(401);
        }
        assertEquals(before + 3, users.passwordChecks(), "each wrong password, one bcrypt verification");
    }

    @Test
    void aDeletedUsersRecentlyVerifiedPasswordNoLongerSignsIn() {
        String gone = "ad-" + UUID.randomUUID().toString().substring(0, 8);
        SecurityTest.createUser(gone, List.of("viewer"));
        given().auth().preemptive().basic(gone, PASSWORD).get("/api/me").then().statusCode(200);
        given().delete("/api/users/" + gone).then().statusCode(204);
        given().auth().preemptive().basic(gone, PASSWORD).header("X-Forwarded-For", "192.0.2.13")
                .get("/api/me").then().statusCode(401);
    }

    @Test
    void aWrongPasswordCostsOneBcryptVerificationWhetherTheUserExistsOrNot() {
        long before = users.passwordChecks();
        given().auth().preemptive().basic("nobody-" + UUID.randomUUID(), "wrong-password").header("X-Forwarded-For", "192.0.2.10")
                .get("/api/me").then().statusCode(401);
        assertEquals(before + 1, users.passwordChecks(), "the unknown user's password was verified against a hash");
        given().auth().preemptive().basic(operator, "wrong-password").header("X-Forwarded-For", "192.0.2.11")
                .get("/api/me").then().statusCode(401);
        assertEquals(before + 2, users.passwordChecks());
        // The stand-in hash is made like the stored ones: same algorithm and cost.
        String stored = database.get(Users.COLLECTION).find(new Document("_id", operator)).first().getString("password");
        assertEquals(stored.substring(0, 7), Users.UNKNOWN_USER_HASH.substring(0, 7));
        assertTrue(stored.startsWith("$2"), stored);
    }

    static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|javascript:", Pattern.CASE_INSENSITIVE);

    @Test
    void theConsoleAndTheApiCarryTheSecurityHeadersAndTheConsoleHasNoInlineScript() throws Exception {
        for (String path : List.of("/", "/index.html", "/login.html", "/console/app.js", "/api/me", "/api/audiences", "/q/health/live")) {
            for (Map<String, String> auth : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer " + viewerToken))) {
                HttpResponse<String> r = send("GET", path, auth, null);
                String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow(() -> new AssertionError("no CSP on " + path));
                String scriptSrc = csp.replaceAll(".*script-src ([^;]*).*", "$1");
                assertEquals("'self'", scriptSrc, "script-src on " + path);
                assertTrue(csp.contains("frame-ancestors 'none'"), csp);
                assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), path);
                assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path);
                assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), path);
            }
        }
        for (String page : List.of("/index.html", "/login.html")) {
            String html = send("GET", page, Map.of(), null).body();
            assertFalse(INLINE_SCRIPT.matcher(html).find(), page + " has inline script");
        }
    }

    @Test
    void metricsOpenApiAndSwaggerUiNeedAViewerAndHealthStaysOpen() throws Exception {
        for (String path : List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/", "/q/metrics;x", "/q//metrics", "/q/%6Detrics", "/q;x/openapi")) {
            assertEquals(401, send("GET", path, Map.of(), null).statusCode(), path + " anonymous");
        }
        for (String path : List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            assertEquals(200, send("GET", path, Map.of("Authorization", "Bearer " + viewerToken), null).statusCode(), path + " as viewer");
        }
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready")) {
            assertEquals(200, send("GET", path, Map.of(), null).statusCode(), path);
        }
    }

    @Test
    void theSwitchesOpenMetricsAndTheApiDocsAndNothingElse() {
        AccessPolicy policy = new AccessPolicy(true, true);
        assertEquals(Roles.VIEWER, policy.required("/q/metrics"));
        assertEquals(Roles.VIEWER, policy.required("/q/swagger-ui/index.html"));
        policy = new AccessPolicy(false, false);
        assertEquals(null, policy.required("/q/metrics"));
        assertEquals(null, policy.required("/q/openapi"));
        assertEquals(null, policy.required("/q/swagger-ui/index.html"));
        assertEquals(Roles.VIEWER, policy.required("/q/other"));
        assertEquals(null, policy.required("/q/health/ready"));
        assertEquals("", policy.required("/api/users"), "any authenticated caller; the resources decide the role");
        assertEquals(null, policy.required("/login.html"));
    }

    // ---- issue 16 §4: failed-login limits per user and per client address ----

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aUserIsLockedAfterFiveFailuresFromAnyAddressesOthersFromThoseAddressesAreNot() throws Exception {
        String victim = "lv-" + UUID.randomUUID().toString().substring(0, 8);
        SecurityTest.createUser(victim, List.of("viewer"));
        for (int i = 1; i <= 5; i++) {
            assertEquals(401, send("GET", "/api/me", Map.of("Authorization", basic(victim, "guess-" + i),
                    "X-Forwarded-For", "198.51.100." + i), null).statusCode());
        }
        HttpResponse<String> locked = send("GET", "/api/me", Map.of("Authorization", basic(victim, PASSWORD), "X-Forwarded-For", "198.51.100.6"), null);
        assertEquals(429, locked.statusCode());
        assertEquals("60", locked.headers().firstValue("Retry-After").orElse(null));
        // Another user from the same addresses goes on.
        assertEquals(200, send("GET", "/api/me", Map.of("Authorization", PathSpellingTest.basic(operator), "X-Forwarded-For", "198.51.100.1"), null).statusCode());
    }

    @Test
    void theLoginFormCountsPerUserToo() throws Exception {
        String victim = "lf-" + UUID.randomUUID().toString().substring(0, 8);
        SecurityTest.createUser(victim, List.of("viewer"));
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = send("POST", "/j_security_check", Map.of("Content-Type", "application/x-www-form-urlencoded",
                    "X-Forwarded-For", "198.51.100." + (20 + i)), "j_username=" + victim + "&j_password=guess-" + i);
            assertEquals(401, r.statusCode(), "failed form login " + i);
        }
        HttpResponse<String> r = send("POST", "/j_security_check", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "X-Forwarded-For", "198.51.100.30"), "j_username=" + victim + "&j_password=" + PASSWORD);
        assertEquals(429, r.statusCode(), "the right password waits out the minute too");
        assertTrue(r.headers().allValues("Set-Cookie").isEmpty(), "no session for a locked user");
    }

    @Test
    void anAddressIsLockedAfterTwentyFailuresWhateverTheUsersOtherAddressesAreNot() throws Exception {
        String address = "198.51.100.50";
        for (int i = 1; i <= 20; i++) {
            assertEquals(401, send("GET", "/api/me", Map.of("Authorization", basic("spray-" + i + "-" + UUID.randomUUID(), "guess"),
                    "X-Forwarded-For", address), null).statusCode());
        }
        assertEquals(429, send("GET", "/api/me", Map.of("Authorization", PathSpellingTest.basic(operator), "X-Forwarded-For", address), null).statusCode());
        assertEquals(429, send("GET", "/api/me", Map.of("Authorization", "Bearer " + operatorToken, "X-Forwarded-For", address), null).statusCode());
        assertEquals(200, send("GET", "/api/me", Map.of("Authorization", PathSpellingTest.basic(operator), "X-Forwarded-For", "198.51.100.51"), null).statusCode());
    }

    /** A raw HTTP/1.1 GET from a given local address (loopback has all of 127/8), answering the status code. */
    int statusFrom(String localAddress, String path, Map<String, String> headers) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertNotNull(status);
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void xForwardedForCountsOnlyFromATrustedProxy() throws Exception {
        // 127.0.0.2 is no trusted proxy (the tests trust 127.0.0.1): the addresses it claims are ignored, its own counts.
        Map<String, String> claimed = new LinkedHashMap<>();
        for (int i = 1; i <= 20; i++) {
            claimed.put("Authorization", basic("claim-" + i + "-" + UUID.randomUUID(), "guess"));
            claimed.put("X-Forwarded-For", "203.0.113." + i);
            assertEquals(401, statusFrom("127.0.0.2", "/api/me", claimed));
        }
        assertEquals(429, statusFrom("127.0.0.2", "/api/me", Map.of("Authorization", PathSpellingTest.basic(operator),
                "X-Forwarded-For", "203.0.113.99")), "127.0.0.2 itself is locked, whatever it claims");
        // Through the trusted proxy, a claimed address is the client's, and none of those was counted.
        assertEquals(200, send("GET", "/api/me", Map.of("Authorization", PathSpellingTest.basic(operator), "X-Forwarded-For", "203.0.113.1"), null).statusCode());
    }
}
