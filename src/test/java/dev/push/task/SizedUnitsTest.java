package dev.push.task;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A run is sized to its members: a unit per 1,000 members, at least one per worker, at most one per shard. */
class SizedUnitsTest {
    static final int SHARDS = 256;

    @Test
    void aSmallAudienceGetsOneUnitPerWorker() {
        assertEquals(1, SizedUnits.count(1_000, 1, SHARDS));
        assertEquals(4, SizedUnits.count(1_000, 4, SHARDS));
        assertEquals(4, SizedUnits.count(0, 4, SHARDS));
    }

    @Test
    void unitsGrowWithTheAudienceOnePerThousandMembers() {
        assertEquals(3, SizedUnits.count(2_500, 1, SHARDS));
        assertEquals(20, SizedUnits.count(20_000, 4, SHARDS));
        assertEquals(40, SizedUnits.count(40_000, 4, SHARDS));
    }

    @Test
    void aLargeAudienceGetsOneUnitPerShard() {
        assertEquals(SHARDS, SizedUnits.count(256_000, 4, SHARDS));
        assertEquals(SHARDS, SizedUnits.count(1_000_000, 4, SHARDS));
        assertEquals(SHARDS, SizedUnits.count(10_000, 300, SHARDS));
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
