package dev.push.task;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A run is sized to its members: a unit per 1,000 members of a campaign or 5,000 ids of a build, at least one per
 * worker, at most one per shard.
 */
class SizedUnitsTest {
    static final int SHARDS = 256;

    @Test
    void aSmallAudienceGetsOneUnitPerWorker() {
        assertEquals(1, SizedUnits.count(1_000, SizedUnits.CAMPAIGN_MEMBERS, 1, SHARDS));
        assertEquals(4, SizedUnits.count(1_000, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
        assertEquals(4, SizedUnits.count(0, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
        assertEquals(4, SizedUnits.count(20_000, SizedUnits.BUILD_IDS, 4, SHARDS));
    }

    @Test
    void aCampaignsUnitsGrowOnePerThousandMembers() {
        assertEquals(3, SizedUnits.count(2_500, SizedUnits.CAMPAIGN_MEMBERS, 1, SHARDS));
        assertEquals(20, SizedUnits.count(20_000, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
        assertEquals(40, SizedUnits.count(40_000, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
    }

    @Test
    void aBuildsUnitsGrowOnePerFiveThousandIds() {
        assertEquals(3, SizedUnits.count(12_500, SizedUnits.BUILD_IDS, 1, SHARDS));
        assertEquals(8, SizedUnits.count(40_000, SizedUnits.BUILD_IDS, 4, SHARDS));
        assertEquals(200, SizedUnits.count(1_000_000, SizedUnits.BUILD_IDS, 4, SHARDS));
    }

    @Test
    void aLargeAudienceGetsOneUnitPerShard() {
        assertEquals(SHARDS, SizedUnits.count(256_000, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
        assertEquals(SHARDS, SizedUnits.count(1_000_000, SizedUnits.CAMPAIGN_MEMBERS, 4, SHARDS));
        assertEquals(SHARDS, SizedUnits.count(1_280_000, SizedUnits.BUILD_IDS, 4, SHARDS));
        assertEquals(SHARDS, SizedUnits.count(10_000, SizedUnits.CAMPAIGN_MEMBERS, 300, SHARDS));
    }

    @Test
    void everyUnitCountCoversEveryShardExactlyOnceInConsecutiveRuns() {
        for (int units = 1; units <= SHARDS; units++) {
            Set<Integer> covered = new HashSet<>();
            int next = 0;
            for (int u = 0; u < units; u++) {
                assertEquals(next, SizedUnits.firstShard(u, units, SHARDS), units + " units: unit " + u + " starts where the one before ended");
                for (int s = SizedUnits.firstShard(u, units, SHARDS); s < SizedUnits.firstShard(u + 1, units, SHARDS); s++) {
                    assertEquals(u, SizedUnits.unitOf(s, units, SHARDS));
                    covered.add(s);
                    next = s + 1;
                }
            }
            assertEquals(SHARDS, next, units + " units: the last ends at the last shard");
            assertEquals(SHARDS, covered.size(), units + " units: every shard covered");
        }
    }
}
