package dev.push.audience;

import dev.push.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The members of one shard of an audience as they stand: its built chunks once it has been
 * built, before that the ids staged for it, each once (so a list can be read, and corrected,
 * before its build). An audience that selects members by a query has none before its build.
 */
@ApplicationScoped
public class ShardMembers {
    @Inject
    AudienceStaging staging;

    @Inject
    AudienceChunks chunks;

    public List<String> of(Task audience, int shard) {
        if (audience.layout != null) {
            return chunks.readShard(audience.id, shard, audience.layout.get(shard));
        }
        return staged(audience, shard);
    }

    /** The staged ids of one shard, each once. */
    List<String> staged(Task audience, int shard) {
        if (audience.staged == null || audience.staged.get(shard) == 0) {
            return List.of();
        }
        return new ArrayList<>(new LinkedHashSet<>(
                staging.readShard(audience.id, audience.stagedUpload, shard, audience.staged.get(shard))));
    }
}
