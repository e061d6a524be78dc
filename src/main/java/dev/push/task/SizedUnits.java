package dev.push.task;

/**
 * How many units a run over an audience's shards has, and which shards each holds: the work is sized to the
 * members. A unit is a run of consecutive shards (unit {@code u} of {@code U} holds shards
 * {@code [u·S/U, (u+1)·S/U)}); a unit costs a lease, a completion and the master's reads whatever it holds, so
 * few members get few units (one per {@link #CAMPAIGN_MEMBERS} members of a campaign, one per {@link #BUILD_IDS}
 * ids an audience build reads, at least one per worker so that every worker has one) and many members a unit per
 * shard. Every unit count from 1 to the shard count covers every shard exactly once.
 */
public final class SizedUnits {
    /** Members a campaign unit is sized for: sending is the costly part, so units stay small enough to share out. */
    public static final long CAMPAIGN_MEMBERS = 1_000;
    /**
     * Ids an audience build's unit is sized for: a build step moves ids, so a unit's lease and completion weigh more
     * than its reads and writes, and a campaign's size left 20,000-id builds mostly fixed cost (docs/benchmarks.md §8).
     */
    public static final long BUILD_IDS = 5_000;

    private SizedUnits() {
    }

    /**
     * The unit count of a run with {@code workers} workers over {@code members} in {@code shards} shards, a unit per
     * {@code perUnit} members; from {@code shards × perUnit} members on, a unit is one shard.
     */
    public static int count(long members, long perUnit, int workers, int shards) {
        long sized = Math.max((members + perUnit - 1) / perUnit, Math.max(1, workers));
        return (int) Math.min(shards, sized);
    }

    /** The first shard of {@code unit} of {@code units} over {@code shards} shards (the shard after the last, for unit = units). */
    public static int firstShard(int unit, int units, int shards) {
        return (int) ((long) unit * shards / units);
    }

    /** The unit of {@code units} whose shards include {@code shard}. */
    public static int unitOf(int shard, int units, int shards) {
        int unit = (int) ((long) shard * units / shards);
        while (firstShard(unit + 1, units, shards) <= shard) {
            unit++;
        }
        while (firstShard(unit, units, shards) > shard) {
            unit--;
        }
        return unit;
    }
}
