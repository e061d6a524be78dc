package dev.push.campaign;

import dev.push.audience.AudienceChunks;
import dev.push.task.SizedUnits;
import dev.push.task.Task;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A campaign's unit walks the chunks of its run of shards ({@link SizedUnits}). */
class CampaignUnitsTest {
    static final int SHARDS = 256;

    @Test
    void everyUnitCountWalksEveryChunkOfTheAudienceExactlyOnce() {
        Task audience = new Task();
        audience.shards = SHARDS;
        audience.layout = new ArrayList<>();
        int chunks = 0;
        for (int s = 0; s < SHARDS; s++) {
            audience.layout.add(s % 3); // shards of 0, 1 and 2 chunks
            chunks += s % 3;
        }
        for (int units = 1; units <= SHARDS; units++) {
            Set<AudienceChunks.At> walked = new HashSet<>();
            int steps = 0;
            for (int u = 0; u < units; u++) {
                List<AudienceChunks.At> walk = CampaignUnits.chunks(u, units, audience);
                for (AudienceChunks.At c : walk) {
                    assertEquals(u, SizedUnits.unitOf(c.shard(), units, SHARDS), "a chunk's record is counted in the unit that walks it");
                }
                walked.addAll(walk);
                steps += walk.size();
            }
            assertEquals(chunks, steps, units + " units: no chunk walked twice");
            assertEquals(chunks, walked.size(), units + " units: every chunk walked");
        }
    }

    @Test
    void aUnitPerShardWalksItsOwnShard() {
        Task audience = new Task();
        audience.shards = SHARDS;
        audience.layout = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            audience.layout.add(2);
        }
        assertEquals(List.of(new AudienceChunks.At(7, 0), new AudienceChunks.At(7, 1)), CampaignUnits.chunks(7, SHARDS, audience),
                "campaigns started before sizing (a unit per shard) keep their layout");
    }
}
