package dev.push.campaign;

import dev.push.audience.AudienceChunks;
import dev.push.task.Task;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import org.bson.Document;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule of a recurring campaign's {@code skipReachedDays}: a run skips the members that the earlier runs in its
 * window ({@code skipReached}) reached. A run over the same audience as this one is read chunk for chunk (its chunk
 * {@code (s, k)} holds the same members); a run over another audience — one rebuilt from the series' query at its own
 * occurrence — is read member by member: the chunks of that audience's shard that can hold this chunk's members
 * (the member's shard, when both audiences have as many shards; else every shard) and that run's records of them,
 * once per shard for the whole unit. Each run's records are read in the order it sent the chunk: an A/B run's
 * arrangement (its own variant assignment), a timed run's kept order. A run whose audience is gone reached nobody
 * that can be told.
 */
final class ReachedByEarlierRuns {
    private final List<Long> sameAudience = new ArrayList<>();
    /** Earlier runs over other audiences, with those audiences. */
    private final Map<Long, Task> otherAudience = new HashMap<>();
    /** The variant assignment of each earlier A/B run: the order it sent a chunk's members in. */
    private final Map<Long, VariantAssignment> variants = new HashMap<>();
    private final Task audience;
    private final CampaignChunks claims;
    private final AudienceChunks audienceChunks;
    /** Per earlier run over another audience, per shard of this one read: the members it reached there. */
    private final Map<Long, Map<Integer, Set<String>>> byShard = new HashMap<>();

    ReachedByEarlierRuns(Task campaign, Task audience, Tasks tasks, CampaignChunks claims, AudienceChunks audienceChunks) {
        this.audience = audience;
        this.claims = claims;
        this.audienceChunks = audienceChunks;
        if (campaign.skipReached != null) {
            for (long run : campaign.skipReached) {
                Task earlier = tasks.find(run);
                if (earlier == null || earlier.audienceId == null) {
                    continue;
                }
                VariantAssignment assignment = VariantAssignment.of(earlier);
                if (assignment != null) {
                    variants.put(run, assignment);
                }
                if (earlier.audienceId.equals(audience.id)) {
                    sameAudience.add(run);
                } else {
                    Task theirs = tasks.find(earlier.audienceId);
                    if (theirs != null && theirs.layout != null) {
                        otherAudience.put(run, theirs);
                    }
                }
            }
        }
    }

    boolean none() {
        return sameAudience.isEmpty() && otherAudience.isEmpty();
    }

    /** Members of this audience's chunk {@code (shard, k)} an earlier run reached; {@code members} in audience order. */
    Set<String> in(int shard, int k, List<String> members) {
        if (none()) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        if (!sameAudience.isEmpty()) {
            List<Document> keys = new ArrayList<>(sameAudience.size());
            sameAudience.forEach(r -> keys.add(CampaignChunks.key(r, shard, k)));
            List<Document> records = claims.findAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                CampaignChunks.reachedIn(records.get(i), sentOrder(sameAudience.get(i), members), out);
            }
        }
        for (Map.Entry<Long, Task> e : otherAudience.entrySet()) {
            Set<String> theirs = byShard.computeIfAbsent(e.getKey(), r -> new HashMap<>())
                    .computeIfAbsent(shard, s -> reachedIn(e.getKey(), e.getValue(), s));
            for (String m : members) {
                if (theirs.contains(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** A chunk's members (audience order) in the order run {@code run} sent them: an A/B run's test split first. */
    private List<String> sentOrder(long run, List<String> members) {
        VariantAssignment assignment = variants.get(run);
        return assignment == null ? members : assignment.arrange(members).members();
    }

    /** The members run {@code run} reached in the shards of {@code theirs} that can hold members of this audience's {@code shard}. */
    private Set<String> reachedIn(long run, Task theirs, int shard) {
        Set<String> out = new HashSet<>();
        boolean aligned = theirs.shards == audience.shards;
        for (int s = 0; s < theirs.shards; s++) {
            if (aligned && s != shard) {
                continue;
            }
            int chunks = theirs.layout.get(s);
            List<Document> keys = new ArrayList<>(chunks);
            for (int k = 0; k < chunks; k++) {
                keys.add(CampaignChunks.key(run, s, k));
            }
            List<Document> records = claims.findAll(keys);
            for (int k = 0; k < chunks; k++) {
                if (records.get(k) != null) {
                    CampaignChunks.reachedIn(records.get(k), sentOrder(run, audienceChunks.read(theirs.id, s, k)), out);
                }
            }
        }
        return out;
    }
}
