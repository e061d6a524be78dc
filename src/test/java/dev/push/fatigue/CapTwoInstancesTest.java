package dev.push.fatigue;

import com.mongodb.client.model.Filters;
import dev.push.Api;
import dev.push.channel.webhook.WebhookSink;
import dev.push.engine.Master;
import dev.push.engine.TestMasters;
import dev.push.storage.PushDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14's proof of the frequency cap: two campaigns of the news category run at once over the same members on two
 * instances (two masters with their own instance ids, each ticking on its own thread against the one embedded
 * database, as in {@code WorkerTakeoverTest}) under a cap of 1 per day. Every member receives exactly one push at the
 * loopback webhook receiver; the other campaign counts them skipped as "frequency cap".
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class CapTwoInstancesTest {
    static final int MEMBERS = 400;
    static WebhookSink sink;

    @Inject
    PushDatabase database;

    @Inject
    CapSlots slots;

    final List<Master> masters = new ArrayList<>();

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    @AfterEach
    void stopMastersAndRemovePolicy() {
        masters.forEach(m -> m.drain(2_000));
        given().queryParam("category", "news").delete("/api/frequency-caps");
    }

    long campaign(long audience, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "audienceId", audience, "channel", "cap-hook",
                        "category", "news", "message", Map.of("title", "Today's news"), "workers", 2, "batchSize", 10))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void twoConcurrentCampaignsOnTwoInstancesUnderACapOfOneADayDeliverAtMostOnePushToEveryMember() throws Exception {
        List<String> ids = Api.memberIds("cap2-", MEMBERS);
        given().contentType("application/x-ndjson").body(String.join("\n", ids.stream().map(id -> "{\"id\": \"" + id
                        + "\", \"addresses\": {\"webhook\": \"" + sink.url("/" + id) + "\"}}").toList()).getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("rejectedCount", equalTo(0));
        given().contentType(ContentType.JSON).body(Map.of("name", "cap-hook", "type", "webhook",
                "credentials", Map.of("secret", "cap-test-secret-0123456"))).post("/api/channels").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("category", "news", "limits", List.of(Map.of("max", 1, "window", "PT24H"))))
                .put("/api/frequency-caps").then().statusCode(200);
        Master a = TestMasters.master("instance-a", Clock.systemUTC(), List.of());
        Master b = TestMasters.master("instance-b", Clock.systemUTC(), List.of());
        masters.add(a);
        masters.add(b);
        long audience = Api.idsAudience(ids);
        Api.command("audiences", audience, "start", 200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            a.tick();
            return "finished".equals(Api.get("audiences", audience).getString("state"));
        });
        long first = campaign(audience, "first");
        long second = campaign(audience, "second");
        long conflictsBefore = slots.conflicts();

        Api.command("campaigns", first, "start", 200);
        Api.command("campaigns", second, "start", 200);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> ticking = new ArrayList<>();
        for (Master m : masters) {
            Thread t = new Thread(() -> {
                while (!done.get()) {
                    m.tick();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            t.start();
            ticking.add(t);
        }
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    "finished".equals(Api.get("campaigns", first).getString("state"))
                            && "finished".equals(Api.get("campaigns", second).getString("state")));
        } finally {
            done.set(true);
            for (Thread t : ticking) {
                t.join(10_000);
            }
        }

        Map<String, Integer> received = new HashMap<>();
        sink.received().forEach(r -> received.merge(r.path().substring(1), 1, Integer::sum));
        assertEquals(new HashSet<>(ids), received.keySet(), "every member received a push");
        assertEquals(List.of(), received.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList(),
                "no member received two");
        Map<String, String> firstOutcomes = FrequencyCapTest.outcomes(first);
        Map<String, String> secondOutcomes = FrequencyCapTest.outcomes(second);
        for (String id : ids) {
            assertEquals(Set.of("sent", "skipped: " + FrequencyCapped.REASON), Set.of(firstOutcomes.get(id), secondOutcomes.get(id)), id);
        }
        long sent = 0;
        long capped = 0;
        for (long c : List.of(first, second)) {
            io.restassured.path.json.JsonPath view = Api.get("campaigns", c);
            assertEquals(MEMBERS, view.getLong("progress.sent") + view.getLong("progress.skipped"), "sent + capped = members");
            assertEquals(0, view.getLong("progress.failed") + view.getLong("progress.unknown"));
            sent += view.getLong("progress.sent");
            capped += view.getLong("progress.skipped");
        }
        assertEquals(MEMBERS, sent, "one push per member over both campaigns");
        assertEquals(MEMBERS, capped, "the other counted frequency cap");

        Set<String> instances = new HashSet<>();
        for (long c : List.of(first, second)) {
            for (Document chunk : database.get(PushDatabase.CAMPAIGN_CHUNKS).find(Filters.eq("_id.c", c))) {
                String owner = chunk.getString("owner");
                instances.add(owner.substring(0, owner.lastIndexOf('/')));
            }
        }
        assertEquals(Set.of("instance-a", "instance-b"), instances, "both instances delivered");
        System.out.printf("cap writes that lost to the other writer and were decided again: %d%n", slots.conflicts() - conflictsBefore);
    }
}
