package dev.push.campaign;

import dev.push.audience.AudienceChunks;
import dev.push.task.SizedUnits;
import dev.push.task.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * Which audience chunks each unit of a campaign's run walks: a unit is a run of consecutive shards sized to the
 * audience ({@link SizedUnits}), walked chunk by chunk in shard order.
 */
public final class CampaignUnits {
    private CampaignUnits() {
    }

    /** The chunks {@code unit} walks, in order: its shards' chunks, shard by shard; its cursor indexes this list. */
    static List<AudienceChunks.At> chunks(int unit, int units, Task audience) {
        List<AudienceChunks.At> out = new ArrayList<>();
        for (int s = SizedUnits.firstShard(unit, units, audience.shards); s < SizedUnits.firstShard(unit + 1, units, audience.shards); s++) {
            for (int k = 0; k < audience.layout.get(s); k++) {
                out.add(new AudienceChunks.At(s, k));
            }
        }
        return out;
    }
}
