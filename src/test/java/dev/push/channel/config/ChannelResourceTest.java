package dev.push.channel.config;

import dev.push.storage.PushDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
class ChannelResourceTest {
    static final String SECRET = "never-show-this-secret-123";

    @Inject
    PushDatabase collections;

    @Inject
    ConfiguredChannels configured;

    @Test
    void credentialsAreWriteOnlyAndEncryptedAtRest() {
        String created = given().contentType(ContentType.JSON)
                .body(Map.of("name", "partner", "type", "webhook", "settings", Map.of("endpoint", "https://partner.example/hook"),
                        "credentials", Map.of("secret", SECRET)))
                .post("/api/channels").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/channels/partner"))
                .body("name", equalTo("partner")).body("type", equalTo("webhook"))
                .body("settings.endpoint", equalTo("https://partner.example/hook"))
                .body("credentials", equalTo(List.of("secret"))).body("version", equalTo(1))
                .extract().asString();
        String one = given().get("/api/channels/partner").then().statusCode(200).extract().asString();
        String all = given().get("/api/channels").then().statusCode(200).body("name", hasItem("partner")).extract().asString();

        assertFalse(created.contains(SECRET));
        assertFalse(one.contains(SECRET));
        assertFalse(all.contains(SECRET));
        Document stored = collections.get(ChannelConfigs.COLLECTION).find(new Document("_id", "partner")).first();
        assertFalse(stored.toJson().contains(SECRET), "the stored document holds no clear text");
        assertEquals("AES-GCM", stored.get("credentials", Document.class).getString("alg"));
    }

    @Test
    void anUpdateWithoutCredentialsKeepsTheStoredOnes() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "kept", "type", "webhook", "credentials", Map.of("secret", SECRET)))
                .post("/api/channels").then().statusCode(201);

        given().contentType(ContentType.JSON)
                .body(Map.of("name", "kept", "type", "webhook", "settings", Map.of("mode", "batch", "endpoint", "http://127.0.0.1:9/x")))
                .put("/api/channels/kept").then().statusCode(200)
                .body("version", equalTo(2)).body("settings.mode", equalTo("batch"))
                .body("credentials", equalTo(List.of("secret")));

        Document stored = collections.get(ChannelConfigs.COLLECTION).find(new Document("_id", "kept")).first();
        assertEquals(Map.of("secret", SECRET), new CredentialCipher(java.util.Optional.of(
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("push.credentials.key", String.class)))
                .open("kept", stored.get("credentials", Document.class)));
        assertEquals("kept", configured.find("kept").name());
    }

    @Test
    void badConfigurationsAreRefusedWithTheField() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "bad", "type", "webhook", "settings", Map.of("mode", "sometimes", "timeoutMs", -1)))
                .post("/api/channels").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("settings.mode", "settings.timeoutMs")));
        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "type", "pigeon"))
                .post("/api/channels").then().statusCode(400).body("errors[0].field", equalTo("type"));
        given().contentType(ContentType.JSON).body(Map.of("name", "log", "type", "webhook"))
                .post("/api/channels").then().statusCode(400).body("detail", equalTo("name: 'log' is a built-in channel"));
        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "type", "webhook", "credentials", Map.of("token", "x")))
                .post("/api/channels").then().statusCode(400).body("errors[0].field", equalTo("credentials.token"));
        given().get("/api/channels").then().body("name", not(hasItem("bad")));
    }

    @Test
    void limitsAreStoredAndTheOpenedChannelHonoursThem() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "limited", "type", "webhook", "limits", Map.of("perSecond", 10_000, "inFlight", 500)))
                .post("/api/channels").then().statusCode(201)
                .body("limits.perSecond", equalTo(10_000)).body("limits.inFlight", equalTo(500));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "limited-bad", "type", "webhook", "limits", Map.of("perSecond", 0)))
                .post("/api/channels").then().statusCode(400);

        assertEquals(dev.push.channel.limits.LimitedChannel.class, configured.find("limited").getClass());
    }

    @Test
    void aSecondChannelOfTheSameNameIsAConflict() {
        Map<String, Object> body = Map.of("name", "twice", "type", "webhook");
        given().contentType(ContentType.JSON).body(body).post("/api/channels").then().statusCode(201);
        given().contentType(ContentType.JSON).body(body).post("/api/channels").then().statusCode(409);
        given().get("/api/channels/nope").then().statusCode(404);
    }
}
