package dev.push.tracking;

import dev.push.Api;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, one-click unsubscribe: every campaign email carries this service's signed {@code /u/{token}} link with
 * RFC 8058's {@code List-Unsubscribe-Post}; GET only asks, POST opts the member out of the campaign's category (audited
 * as the member), and the member is never sent that category again. Anything but a genuine token is a bare 404.
 */
@QuarkusTest
class UnsubscribeTest {
    @Inject
    MockMailbox mailbox;

    @Inject
    TrackedLinks links;

    static void importWithEmail(List<String> ids) {
        String lines = ids.stream().map(id -> "{\"id\": \"" + id + "\", \"addresses\": {\"email\": \"" + id + "@example.org\"}}")
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("rejectedCount", equalTo(0));
    }

    static void emailChannel(String name) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "email", "settings", Map.of("from", "news@push.example")))
                .post("/api/channels").then().statusCode(201);
    }

    static long sendCampaign(List<String> ids, String channel, String category) {
        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "unsub", "audienceId", Api.builtAudience(ids),
                        "channel", channel, "category", category, "message", Map.of("title", "Sale", "body", "Our sale")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.startAndFinish(campaign);
        return campaign;
    }

    String unsubscribeUrl(String address) {
        List<Mail> mails = mailbox.getMailsSentTo(address);
        assertEquals(1, mails.size(), address);
        Mail mail = mails.get(0);
        assertEquals(List.of("List-Unsubscribe=One-Click"), mail.getHeaders().get("List-Unsubscribe-Post"));
        String header = mail.getHeaders().get("List-Unsubscribe").get(0);
        assertTrue(header.startsWith("<http://localhost:8080/u/") && header.endsWith(">"), header);
        return header.substring(1, header.length() - 1);
    }

    static String path(String url) {
        return url.substring("http://localhost:8080".length());
    }

    @Test
    void aPostToTheEmailsLinkOptsTheMemberOutOfTheCampaignsCategoryAndTheNextCampaignSkipsThem() {
        List<String> ids = Api.memberIds("unsub-a-", 3);
        importWithEmail(ids);
        emailChannel("unsub-mail");
        mailbox.clear();
        sendCampaign(ids, "unsub-mail", "news");
        String link = unsubscribeUrl("unsub-a-1@example.org");

        String confirm = given().get(path(link)).then().statusCode(200).contentType("text/html").extract().asString();
        assertTrue(confirm.contains("Stop receiving news messages?") && confirm.contains("<form method=\"post\">"), confirm);
        assertFalse(confirm.contains("unsub-a-1"), "the page names no member or address");
        given().get("/api/members/unsub-a-1/preferences").then().body("optedOutOf", equalTo(List.of()));

        String done = given().contentType("application/x-www-form-urlencoded").body("List-Unsubscribe=One-Click")
                .post(path(link)).then().statusCode(200).extract().asString();

        assertTrue(done.contains("You will no longer receive news messages."), done);
        assertFalse(done.contains("unsub-a-1"));
        given().get("/api/members/unsub-a-1/preferences").then().body("optedOutOf", equalTo(List.of("news")))
                .body("optedOutOfAll", equalTo(false));
        Response audit = given().queryParam("actor", "member:unsub-a-1").get("/api/audit");
        audit.then().statusCode(200).body("size()", equalTo(1)).body("[0].target", equalTo("members/unsub-a-1"))
                .body("[0].after.optedOutOf", equalTo(List.of("news")));

        mailbox.clear();
        long again = sendCampaign(ids, "unsub-mail", "news");
        assertEquals(List.of(1, 0, 1), ids.stream().map(id -> mailbox.getMailsSentTo(id + "@example.org").size()).toList());
        assertEquals("skipped", Api.deliveries(again).stream().filter(r -> "unsub-a-1".equals(r.get("memberId")))
                .findFirst().orElseThrow().get("state"));
        mailbox.clear();
        sendCampaign(ids, "unsub-mail", "promotions");
        assertEquals(1, mailbox.getMailsSentTo("unsub-a-1@example.org").size(), "other categories still reach the member");
    }

    @Test
    void aForgedAlteredTruncatedOrClickTokenAnswersABare404AndChangesNothing() {
        importWithEmail(List.of("unsub-b-0"));
        String token = links.unsubscribeLink("promotions", "unsub-b-0").substring("http://localhost:8080/u/".length());
        // Altered in its bytes: a changed last character can differ only in base64's unused low bits, and decode the same.
        byte[] altered = java.util.Base64.getUrlDecoder().decode(token);
        altered[altered.length - 1] ^= 0x01;
        List<String> bad = List.of(
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(altered),
                token.substring(0, token.length() - 4),
                links.link(1, "unsub-b-0", 0).substring("http://localhost:8080/c/".length()),
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "x");

        for (String t : bad) {
            for (String method : List.of("GET", "POST")) {
                Response r = given().request(method, "/u/" + t);
                assertEquals(404, r.statusCode(), method + " " + t);
                assertEquals("{\"title\":\"Not Found\",\"status\":404}", r.asString());
            }
        }
        given().get("/api/members/unsub-b-0/preferences").then().body("optedOutOf", equalTo(List.of()));
        given().get("/u/" + token).then().statusCode(200);
    }
}
