package dev.push.channel.webhook;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook destinations through the guard (docs/security.md, "Outbound destinations"), with the test
 * profile's push.outbound.allow of loopback: link-local and metadata addresses are refused when a
 * channel is configured and when a member's address is sent to; an internal receiver's answer is
 * never quoted back.
 */
@QuarkusTest
class OutboundDestinationsTest {
    static WebhookSink sink;
    static long campaign;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    @BeforeEach
    void campaignOverMemberAddresses() {
        sink.reset();
        if (campaign == 0) {
            given().contentType(ContentType.JSON).body(Map.of("name", "guarded", "type", "webhook",
                    "settings", Map.of("attempts", 1))).post("/api/channels").then().statusCode(201);
            long audience = Api.idsAudience(List.of("od-1"));
            campaign = given().contentType(ContentType.JSON).body(Map.of("name", "guarded", "audienceId", audience,
                            "channel", "guarded", "message", Map.of("title", "t")))
                    .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        }
    }

    static List<Map<String, Object>> testSend(List<String> addresses) {
        JsonPath answer = given().contentType(ContentType.JSON).body(Map.of("addresses", addresses))
                .post("/api/campaigns/" + campaign + "/test").then().statusCode(200).extract().jsonPath();
        return answer.getList("outcomes");
    }

    @Test
    void aChannelWithAMetadataEndpointIsRefusedWhenCreatedAndWhenChanged() {
        given().contentType(ContentType.JSON).body(Map.of("name", "metadata", "type", "webhook",
                        "settings", Map.of("endpoint", "http://169.254.169.254/latest/meta-data/")))
                .post("/api/channels").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("settings.endpoint"))
                .body("errors[0].message", startsWith("destination 169.254.169.254 is a link-local address"));
        given().contentType(ContentType.JSON).body(Map.of("name", "guarded", "type", "webhook",
                        "settings", Map.of("endpoint", "http://[fe80::a9fe:a9fe]/")))
                .put("/api/channels/guarded").then().statusCode(400)
                .body("errors[0].field", equalTo("settings.endpoint"));
        given().get("/api/channels/metadata").then().statusCode(404);
    }

    @Test
    void aRefusedMemberAddressFailsThatMemberOnlyAndIsNeverContacted() {
        List<Map<String, Object>> outcomes = testSend(List.of("http://169.254.169.254/latest/meta-data/",
                sink.url("/fine"), "http://[::ffff:169.254.169.254]/x", "http://0.0.0.0:" + URI.create(sink.url("/")).getPort() + "/zero"));

        assertEquals(List.of("failed", "sent", "failed", "failed"), outcomes.stream().map(o -> o.get("state")).toList());
        assertEquals("destination 169.254.169.254 is a link-local address (where cloud metadata services answer): "
                + "outbound requests there are refused unless push.outbound.allow names its range", outcomes.get(0).get("reason"));
        assertEquals(false, outcomes.get(0).get("retryable"));
        assertTrue(((String) outcomes.get(2).get("reason")).contains("is a link-local address"), outcomes.get(2).toString());
        assertTrue(((String) outcomes.get(3).get("reason")).startsWith("destination 0.0.0.0 is an unspecified address"),
                outcomes.get(3).toString());
        assertEquals(List.of("/fine"), sink.received().stream().map(WebhookSink.Received::path).toList(),
                "only the allowed destination received a request");
    }

    @Test
    void anInternalReceiversAnswerIsNotQuotedInTheReason() {
        sink.answer(r -> WebhookSink.Answer.of(500, "{\"internal\":\"secret-token-123\"}"));

        List<Map<String, Object>> outcomes = testSend(List.of(sink.url("/internal")));

        assertEquals("500 Internal Server Error (after 1 attempts)", outcomes.get(0).get("reason"));
        assertFalse(outcomes.toString().contains("secret-token-123"));
    }

    @Test
    void aNameIsSentToTheAddressItWasCheckedAtUnderItsOwnHostHeader() {
        int port = URI.create(sink.url("/")).getPort();

        List<Map<String, Object>> outcomes = testSend(List.of("http://localhost:" + port + "/named"));

        assertEquals("sent", outcomes.get(0).get("state"));
        assertEquals(1, sink.received().size());
        assertEquals("localhost:" + port, sink.received().get(0).header("Host"));
    }
}
