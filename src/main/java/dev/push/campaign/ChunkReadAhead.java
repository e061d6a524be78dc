package dev.push.campaign;

import dev.push.audience.AudienceChunks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of the chunks a unit walks, read ahead by key in one query for as many chunks as one sub-batch holds
 * on average. A small audience spread over every shard has a few members a chunk, so reading them one by one cost a
 * database round trip for every few members; a large one has full chunks and reads one at a time. A built audience
 * never changes, so a chunk read ahead is the chunk the unit reaches.
 */
final class ChunkReadAhead {
    /** The most chunks one query reads; with chunks of a few members, still a small answer. */
    static final int MAX_CHUNKS = 100;

    private final AudienceChunks chunks;
    private final long audience;
    private final List<AudienceChunks.At> walk;
    private final int window;
    private final Map<Integer, List<String>> read = new HashMap<>();

    ChunkReadAhead(AudienceChunks chunks, long audience, List<AudienceChunks.At> walk, long members, int chunkCount, int batch) {
        this.chunks = chunks;
        this.audience = audience;
        this.walk = walk;
        this.window = window(members, chunkCount, batch);
    }

    /** Chunks read at once: a sub-batch's worth at the audience's average chunk size, from 1 to {@link #MAX_CHUNKS}. */
    static int window(long members, int chunkCount, int batch) {
        if (members <= 0 || chunkCount <= 0) {
            return 1;
        }
        double average = Math.max(1.0, (double) members / chunkCount);
        return (int) Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(batch / average)));
    }

    /** The members of the walk's chunk {@code index}. */
    List<String> at(int index) {
        List<String> members = read.get(index);
        if (members == null) {
            int to = Math.min(walk.size(), index + window);
            List<List<String>> got = chunks.read(audience, walk.subList(index, to));
            for (int i = index; i < to; i++) {
                read.put(i, got.get(i - index));
            }
            members = read.get(index);
        }
        return members;
    }

    /** Forgets the chunks before the walk's {@code index}: a unit walks forward. */
    void passed(int index) {
        read.keySet().removeIf(i -> i < index);
    }
}
