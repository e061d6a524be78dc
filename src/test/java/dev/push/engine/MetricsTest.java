package dev.push.engine;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class MetricsTest {

    @Test
    void prometheusShowsDeliveriesTasksWorkersAndDatabaseLatencyOfACampaign() {
        long campaign = Api.campaign(Api.builtAudience(Api.memberIds("metrics-", 1_500)), "log", 2, 0, 100, 10);
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertTrue(metrics.contains("push_deliveries_total{campaign=\"" + campaign + "\",channel=\"log\",outcome=\"sent\"} 1500.0"),
                "deliveries by campaign, channel and outcome");
        assertTrue(metrics.contains("push_channel_send_seconds_count{channel=\"log\"}"), "channel latency");
        assertTrue(metrics.contains("push_tasks{state=\"finished\"}"), "tasks by state");
        assertTrue(metrics.contains("push_instances_live"), "live instances");
        assertTrue(metrics.contains("push_workers_live"), "live workers");
        assertTrue(metrics.contains("push_rate_observed{task=\"" + campaign + "\"}"), "observed rate");
        assertTrue(metrics.contains("mongodb_driver_commands_seconds"), "MongoDB command latency");
    }

    @Test
    void prometheusShowsTheNiceValueWorkersYieldTheCpuToRequestsAt() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertTrue(metrics.lines().anyMatch("push_workers_nice 10.0"::equals), "workers at nice 10, in:\n" + metrics.lines()
                .filter(l -> l.startsWith("push_workers")).toList());
    }
}
