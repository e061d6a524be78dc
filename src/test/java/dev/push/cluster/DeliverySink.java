package dev.push.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.channel.webhook.WebhookSink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tests' {@link WebhookSink}, read as webhook deliveries: every member a request carries
 * (one delivery, or an array of them), with its campaign and the time it arrived. A body that is
 * not a delivery is answered 400.
 */
final class DeliverySink implements AutoCloseable {
    record Received(long campaign, String member, long atMillis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookSink sink;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    DeliverySink() throws IOException {
        try {
            sink = WebhookSink.counting();
        } catch (Exception e) {
            throw new IOException("the sink did not start", e);
        }
        sink.answer(r -> {
            try {
                received.addAll(deliveries(r));
                return WebhookSink.Answer.ok();
            } catch (IOException | RuntimeException e) {
                return WebhookSink.Answer.of(400, "not a delivery");
            }
        });
    }

    /** The deliveries one request carries. */
    private static List<Received> deliveries(WebhookSink.Received r) throws IOException {
        JsonNode body = JSON.readTree(r.body());
        List<Received> deliveries = new ArrayList<>();
        for (JsonNode d : body.isArray() ? body : List.of(body)) {
            deliveries.add(new Received(d.get("campaign").asLong(), d.get("member").asText(), r.atMillis()));
        }
        return deliveries;
    }

    /** Answers each request this long after recording it (a slow receiver), so pushes are in flight at a kill. */
    void answerAfter(java.time.Duration delay) {
        sink.answerAfter(delay);
    }

    /** Sends no answer until {@link #releaseAnswers()} (see {@link WebhookSink#holdAnswers()}). */
    void holdAnswers() {
        sink.holdAnswers();
    }

    void releaseAnswers() {
        sink.releaseAnswers();
    }

    /** The deliveries received and not answered yet: pushes in flight, their outcome unknown to their sender. */
    List<Received> inFlight() {
        List<Received> out = new ArrayList<>();
        for (WebhookSink.Received r : sink.unanswered()) {
            try {
                out.addAll(deliveries(r));
            } catch (IOException | RuntimeException e) {
                // Answered 400 (not a delivery): not a push.
            }
        }
        return out;
    }

    /**
     * The deliveries in flight from {@code instance}: those of members whose chunk of their campaign {@code instance}
     * holds ({@code sendersByCampaign}: per campaign, each member's sender, {@link TestDatabase#sendersByMember}).
     */
    List<Received> inFlightFrom(String instance, Map<Long, Map<String, String>> sendersByCampaign) {
        return inFlight().stream().filter(r -> instance.equals(
                sendersByCampaign.getOrDefault(r.campaign(), Map.of()).get(r.member()))).toList();
    }

    /** How many times each member was received, over every campaign. */
    Map<String, Integer> timesByMember() {
        Map<String, Integer> times = new HashMap<>();
        received.forEach(r -> times.merge(r.member(), 1, Integer::sum));
        return times;
    }

    String url() {
        return sink.url("/hook");
    }

    /** Adds the webhook channel {@code sink} to this sink, member by member, {@code concurrency} requests at a time. */
    void addAsChannel(String api, int concurrency) {
        io.restassured.RestAssured.given().baseUri(api).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("name", "sink", "type", "webhook", "settings", Map.of("endpoint", url(), "mode", "member",
                        "concurrency", concurrency)))
                .post("/api/channels").then().statusCode(201);
    }

    List<Received> of(long campaign) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.campaign() == campaign) {
                out.add(r);
            }
        }
        return out;
    }

    /** Members received more than once for a campaign. */
    List<String> duplicates(long campaign) {
        Map<String, Integer> times = new HashMap<>();
        of(campaign).forEach(r -> times.merge(r.member(), 1, Integer::sum));
        return times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        try {
            sink.close();
        } catch (Exception e) {
            throw new IllegalStateException("the sink did not stop", e);
        }
    }
}
