package dev.push.member;

import java.nio.charset.StandardCharsets;

/**
 * Maps a member id to its shard. The hash is part of the data format (chunks are keyed by
 * shard), so it must never change: FNV-1a 32-bit over the id's UTF-8 bytes, taken modulo the
 * shard count as an unsigned number.
 */
public final class Shards {
    public static final int DEFAULT_COUNT = 256;

    private Shards() {
    }

    public static int of(String memberId, int shardCount) {
        int hash = 0x811c9dc5;
        byte[] bytes = memberId.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            hash ^= (b & 0xff);
            hash *= 0x01000193;
        }
        return (int) (Integer.toUnsignedLong(hash) % shardCount);
    }
}
