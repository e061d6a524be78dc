package dev.push.campaign;

import dev.push.task.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * How many units a campaign's run has, and which audience chunks each walks: the work is sized to the
 * audience. A unit is a run of consecutive shards, walked chunk by chunk in shard order; a unit costs a lease,
 * a completion and the master's reads whatever it holds, so a small audience gets few units (one per
 * {@link #MEMBERS_PER_UNIT} members, at least one per worker so that every worker has one) and a large one a
 * unit per shard. Every unit count from 1 to the shard count covers every shard exactly once.
 */
public final class CampaignUnits {
    /** Members a unit is sized for; from {@code shards × MEMBERS_PER_UNIT} members on, a unit is one shard. */
    static final long MEMBERS_PER_UNIT = 1_000;

    private CampaignUnits() {
    }

    /** The unit count of a run of a campaign with {@code workers} workers over {@code members} in {@code shards} shards. */
    public static int count(long members, int workers, int shards) {
        long sized = Math.max((members + MEMBERS_PER_UNIT - 1) / MEMBERS_PER_UNIT, Math.max(1, workers));
        return (int) Math.min(shards, sized);
    }

    /** The first shard of {@code unit} of {@code units} over {@code shards} shards (the shard after the last, for unit = units). */
    static int firstShard(int unit, int units, int shards) {
        return (int) ((long) unit * shards / units);
    }

    /** The unit of {@code units} whose shards include {@code shard}. */
    static int unitOf(int shard, int units, int shards) {
        int unit = (int) ((long) shard * units / shards);
        while (firstShard(unit + 1, units, shards) <= shard) {
            unit++;
        }
        while (firstShard(unit, units, shards) > shard) {
            unit--;
        }
        return unit;
    }

    /** A chunk of the audience: shard {@code s}, chunk {@code k} of it. */
    record Chunk(int shard, int k) {
    }

    /** The chunks {@code unit} walks, in order: its shards' chunks, shard by shard; its cursor indexes this list. */
    static List<Chunk> chunks(int unit, int units, Task audience) {
        List<Chunk> out = new ArrayList<>();
        for (int s = firstShard(unit, units, audience.shards); s < firstShard(unit + 1, units, audience.shards); s++) {
            for (int k = 0; k < audience.layout.get(s); k++) {
                out.add(new Chunk(s, k));
            }
        }
        return out;
    }
}
