package dev.push.cluster;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.restassured.response.Response;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 §4: a console session works on every instance with no configuration. Two processes of the packaged
 * service share one database process and set no session key; a sign-in on one is honoured by the other, and still
 * after both restart. The key is stored once and never logged; an instance given a key of its own uses that one.
 */
class SharedSessionIT {
    static final String PASSWORD = dev.push.security.TestCredentials.ADMIN_PASSWORD;
    static Path work;
    static ServiceProcess database;
    static String mongo;
    static final List<ServiceProcess> instances = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "shared-session"));
        int dbPort = ClusterFaultIT.freePort();
        database = ServiceProcess.database(dbPort, Files.createTempDirectory("push-session-db"), work).start()
                .awaitReady(Duration.ofSeconds(30));
        ClusterFaultIT.awaitPort(dbPort);
        mongo = "mongodb://127.0.0.1:" + dbPort;
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess p : instances) {
            if (p.alive()) {
                p.kill();
            }
        }
        if (database != null && database.alive()) {
            database.kill();
        }
    }

    /** Generous: the machine running the tests may be busy, and a start then takes minutes. */
    static final Duration READY = Duration.ofMinutes(5);

    static ServiceProcess instance(String name, Map<String, String> properties) throws Exception {
        ServiceProcess p = ServiceProcess.instance(name, ClusterFaultIT.freePort(), mongo, work, properties).start();
        instances.add(p);
        return p;
    }

    static Map<String, String> login(ServiceProcess on) {
        Response r = given().baseUri(on.base()).auth().none().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "admin").formParam("j_password", PASSWORD).post("/j_security_check");
        assertTrue(r.statusCode() < 400, "login on " + on.name + ": " + r.statusCode());
        return Map.of("quarkus-credential", r.getCookie("quarkus-credential"), "push-session", r.getCookie("push-session"));
    }

    static int me(ServiceProcess on, Map<String, String> cookies) {
        return given().baseUri(on.base()).auth().none().cookies(cookies).get("/api/me").statusCode();
    }

    @Test
    void aSessionMadeOnOneInstanceWorksOnAnotherAndAfterRestartsWithNoKeyConfigured() throws Exception {
        ServiceProcess a = instance("session-a", Map.of());
        ServiceProcess b = instance("session-b", Map.of());
        a.awaitReady(READY);
        b.awaitReady(READY);
        Map<String, String> cookies = login(a);
        assertEquals(200, me(a, cookies));
        assertEquals(200, me(b, cookies), "the other instance honours the session");
        given().baseUri(b.base()).auth().none().cookies(cookies).get("/api/me").then().body("via", org.hamcrest.Matchers.equalTo("session"));

        b.terminate(Duration.ofSeconds(60));
        a.kill();
        b.start();
        a.start();
        b.awaitReady(READY);
        a.awaitReady(READY);
        assertEquals(200, me(b, cookies), "after a restart");
        assertEquals(200, me(a, cookies), "after a kill -9 and a restart");
        Map<String, String> again = login(b);
        assertEquals(200, me(a, again));

        String key;
        try (MongoClient client = MongoClients.create(mongo)) {
            List<Document> stored = client.getDatabase("push").getCollection("secrets").find().into(new ArrayList<>());
            assertEquals(1, stored.size(), "one key, stored once: " + stored.size());
            key = stored.get(0).getString("key");
        }
        for (String name : List.of("session-a", "session-b")) {
            String log = Files.readString(work.resolve(name + ".log"));
            assertTrue(log.contains("Listening on"), name + " log read");
            assertFalse(log.contains(key), name + " logged the session key");
            assertFalse(log.toLowerCase().contains("temporary key"), name + " made a temporary key");
        }

        // An explicitly configured key wins: that instance seals with its own, so the shared one's cookies are not its.
        ServiceProcess c = instance("session-c", Map.of("quarkus.http.auth.session.encryption-key", "an-explicit-session-key-0123456789abcdef"))
                .awaitReady(READY);
        assertEquals(401, me(c, cookies));
        Map<String, String> own = login(c);
        assertEquals(200, me(c, own));
        assertEquals(401, me(a, own));
    }
}
