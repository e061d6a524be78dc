package dev.push.audience;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.task.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes one member from a list audience no campaign has started: from its list, its staged
 * upload and its built chunks, so a later build agrees. Allowed while the audience's members can
 * still change without anyone having been pushed from them: it names its members (ids or a
 * file), is not running, no campaign of it has started, and a build of it, if any, finished.
 */
@ApplicationScoped
public class ListedMemberRemoval {
    @Inject
    ShardMembers members;

    @Inject
    ListRestaging restaging;

    @Inject
    AudienceChunks chunks;

    /** What became of a removal: done, or the first rule that refused it. */
    public sealed interface Outcome {
    }

    public record Removed() implements Outcome {
    }

    /** The member is not among the audience's members. */
    public record NotListed() implements Outcome {
    }

    /** The audience runs or is paused: its members cannot change while it runs. */
    public record Running(TaskState state) implements Outcome {
    }

    /** A campaign of the audience has started: its members are fixed. */
    public record CampaignStarted(long campaignId) implements Outcome {
    }

    /** The audience selects its members by a rule: the member would come back with its next build. */
    public record SelectedByRule(String kind) implements Outcome {
    }

    /** The audience's last build did not finish. */
    public record BuildUnfinished(TaskState state) implements Outcome {
    }

    /** The audience changed since it was read: nothing was removed. */
    public record Changed() implements Outcome {
    }

    /** Removes {@code member} from {@code audience} as read, noting {@code reason} as its state reason. */
    public Outcome remove(Task audience, String member, String reason) {
        int shard = Shards.of(member, audience.shards);
        List<String> shardMembers = new ArrayList<>(members.of(audience, shard));
        if (!shardMembers.contains(member)) {
            return new NotListed();
        }
        TaskState state = audience.taskState();
        if (state.running() || state == TaskState.PAUSED) {
            return new Running(state);
        }
        Task started = Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("audienceId", audience.id), Filters.gt("run", 0L))).sort(Sorts.ascending("_id")).first();
        if (started != null) {
            return new CampaignStarted(started.id);
        }
        AudienceSource source = AudienceSource.of(audience.source);
        if (!source.namesMembers()) {
            return new SelectedByRule(source.kind());
        }
        if (audience.layout != null && state != TaskState.FINISHED) {
            return new BuildUnfinished(state);
        }
        List<String> listed = new ArrayList<>();
        for (int s = 0; s < audience.shards; s++) {
            listed.addAll(members.staged(audience, s));
        }
        listed.remove(member);
        shardMembers.remove(member);
        List<Bson> changes = new ArrayList<>();
        if (source instanceof AudienceSource.Ids list && list.ids() != null) {
            List<String> kept = new ArrayList<>(list.ids());
            kept.remove(member);
            changes.add(Updates.set("source.ids", kept));
        }
        int chunksBefore = audience.layout == null ? 0 : audience.layout.get(shard);
        int chunksAfter = (shardMembers.size() + AudienceChunks.SIZE - 1) / AudienceChunks.SIZE;
        if (audience.layout != null) {
            List<Integer> layout = new ArrayList<>(audience.layout);
            layout.set(shard, chunksAfter);
            changes.add(Updates.set("layout", layout));
            changes.add(Updates.inc("progress.processed", -1L));
            changes.add(Updates.inc("progress.sent", -1L));
        }
        changes.add(Updates.set("stateReason", reason));
        if (!restaging.restage(audience, listed, state, Updates.combine(changes))) {
            return new Changed();
        }
        if (audience.layout != null) {
            // The layout already names the new chunk count: no campaign of this audience has
            // started (checked above), and one that starts now reads the shard once it is rewritten.
            chunks.writeShard(audience.id, shard, shardMembers);
            chunks.deleteShardFrom(audience.id, shard, chunksAfter, chunksBefore);
        }
        return new Removed();
    }
}
