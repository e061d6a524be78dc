package dev.push.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class EmailChannelTest {
    static GreenMail smtp;

    @Inject
    Channels channels;

    @Inject
    MockMailbox mailbox;

    @BeforeAll
    static void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
    }

    @AfterAll
    static void stop() {
        smtp.stop();
    }

    @BeforeEach
    void reset() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
        mailbox.clear();
    }

    static void configure(String name, Map<String, Object> settings) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "email", "settings", settings))
                .post("/api/channels").then().statusCode(201);
    }

    static Map<String, Object> smtpSettings() {
        Map<String, Object> s = new HashMap<>();
        s.put("from", "news@push.example");
        s.put("host", "127.0.0.1");
        s.put("port", smtp.getSmtp().getPort());
        s.put("startTls", "disabled");
        s.put("unsubscribeUrl", "https://push.example/unsubscribe?m={member.id}");
        s.put("unsubscribeMailto", "mailto:unsubscribe@push.example?subject={member.id}");
        return s;
    }

    List<Outcome> send(String channel, List<Delivery.Recipient> to) {
        return channels.get(channel).send(new Delivery(5, channel, new Document("title", "Hello {member.attributes.name}")
                .append("body", "Prices <down> & more").append("link", "https://shop.example/s"), to))
                .await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void emailSendsHtmlAndTextPartsWithListUnsubscribeOverSmtp() throws Exception {
        configure("mail-smtp", smtpSettings());

        List<Outcome> out = send("mail-smtp", List.of(new Delivery.Recipient("m1", "ann@example.org", Map.of("name", "Ann"))));

        assertEquals(List.of(Outcome.sent("m1")), out);
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(1, received.length);
        MimeMessage mail = received[0];
        assertEquals("Hello Ann", mail.getSubject());
        assertEquals("news@push.example", mail.getFrom()[0].toString());
        assertEquals("ann@example.org", mail.getAllRecipients()[0].toString());
        assertEquals("<https://push.example/unsubscribe?m=m1>, <mailto:unsubscribe@push.example?subject=m1>",
                mail.getHeader("List-Unsubscribe")[0]);
        assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);
        assertEquals("5:m1", mail.getHeader("Idempotency-Key")[0]);
        Multipart parts = (Multipart) mail.getContent();
        assertTrue(parts.getContentType().startsWith("multipart/alternative"), parts.getContentType());
        Map<String, String> byType = new HashMap<>();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart p = parts.getBodyPart(i);
            byType.put(p.getContentType().split(";")[0].toLowerCase(), ((String) p.getContent()).replace("\r\n", "\n"));
        }
        assertEquals("Prices <down> & more\n\nhttps://shop.example/s", byType.get("text/plain").strip());
        assertEquals("<!DOCTYPE html><html><body><p>Prices &lt;down&gt; &amp; more</p>"
                + "<p><a href=\"https://shop.example/s\">https://shop.example/s</a></p></body></html>", byType.get("text/html").strip());
    }

    @Test
    void emailToAnUnreachableServerIsARetryableFailureAfterItsAttempts() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Map<String, Object> settings = smtpSettings();
        settings.put("port", closed);
        settings.put("attempts", 2);
        settings.put("backoffMs", 1);
        configure("mail-down", settings);

        List<Outcome> out = send("mail-down", List.of(new Delivery.Recipient("m2", "bob@example.org", Map.of())));

        assertEquals(Outcome.Status.FAILED, out.get(0).status());
        assertTrue(out.get(0).retryable());
        assertTrue(out.get(0).reason().startsWith("SMTP: ") && out.get(0).reason().endsWith("(after 2 attempts)"), out.get(0).reason());
    }

    @Test
    void emailWithoutAHostGoesThroughTheApplicationsQuarkusMailer() {
        configure("mail-app", Map.of("from", "app@push.example", "unsubscribeUrl", "http://push.example/u/{member.id}"));

        List<Outcome> out = send("mail-app", List.of(new Delivery.Recipient("m3", "cy@example.org", Map.of("name", "Cy"))));

        assertEquals(List.of(Outcome.sent("m3")), out);
        List<Mail> sent = mailbox.getMailsSentTo("cy@example.org");
        assertEquals(1, sent.size());
        assertEquals("Hello Cy", sent.get(0).getSubject());
        assertEquals(List.of("<http://push.example/u/m3>"), sent.get(0).getHeaders().get("List-Unsubscribe"));
        assertEquals(null, sent.get(0).getHeaders().get("List-Unsubscribe-Post"), "one-click only for https");
    }
}
