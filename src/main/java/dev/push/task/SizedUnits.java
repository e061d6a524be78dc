package dev.push.task;

/**
 * How many units a run over an audience's shards has, and which shards each holds: the work is sized to the
 * members. A unit is a run of consecutive shards (unit {@code u} of {@code U} holds shards
 * {@code [u·S/U, (u+1)·S/U)}); a unit costs a lease, a completion and the master's reads whatever it holds, so
 * few members get few units (one per {@link #MEMBERS_PER_UNIT} members, at least one per worker so that every
 * worker has one) and many members a unit per shard. Every unit count from 1 to the shard count covers every
 * shard exactly once. Campaign runs and audience builds follow it.
 */
public final class SizedUnits {
    /** Members a unit is sized for; from {@code shards × MEMBERS_PER_UNIT} members on, a unit is one shard. */
    public static final long MEMBERS_PER_UNIT = 1_000;

    private SizedUnits() {
    }

    /** The unit count of a run with {@code workers} workers over {@code members} in {@code shards} shards. */
    public static int count(long members, int workers, int shards) {
        long sized = Math.max((members + MEMBERS_PER_UNIT - 1) / MEMBERS_PER_UNIT, Math.max(1, workers));
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
