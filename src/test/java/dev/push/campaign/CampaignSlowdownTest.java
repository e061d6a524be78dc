package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.StumblingChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CampaignSlowdownTest {
    @Inject
    StumblingChannel channel;

    @Test
    void aBurstOfFailedSubBatchesSlowsTheCampaignBeforeTheErrorBudgetFailsIt() {
        long campaign = Api.campaign(Api.builtAudience(Api.memberIds("slow-", 500)), "stumbling", 1, 0, 10, 30);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath failed = Api.awaitState("campaigns", campaign, "failed", Duration.ofSeconds(60));

        assertTrue(failed.getString("stateReason").startsWith("error budget exceeded"), failed.getString("stateReason"));
        List<Long> at = channel.sendNanos();
        assertTrue(at.size() >= 5, "sub-batches of a few members each take five or more sends to exceed the budget of 30: " + at.size());
        long[] atLeastMs = {50, 100, 200, 400};
        for (int i = 0; i < atLeastMs.length; i++) {
            long gapMs = (at.get(i + 1) - at.get(i)) / 1_000_000;
            assertTrue(gapMs >= atLeastMs[i], "send " + (i + 2) + " came " + gapMs + " ms after the one before, expected ≥ " + atLeastMs[i]);
        }
        assertEquals(0, failed.getLong("progress.sent"));
    }
}
