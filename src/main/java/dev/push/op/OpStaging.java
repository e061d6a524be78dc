package dev.push.op;

import dev.push.storage.CoordinationConcern;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import dev.push.audience.AudienceStaging;
import dev.push.task.Task;
import dev.push.task.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Replaces the staged ids of a list audience, the way a new upload does: the ids are staged
 * as the next upload, the task switches to it with a compare-and-set on its state and upload
 * number, and only then is the old upload removed — so a concurrent start builds either the old
 * or the new list, never a mix.
 */
@ApplicationScoped
public class OpStaging {
    @Inject
    AudienceStaging staging;

    public void restage(Task t, List<String> ids, TaskState expected, Bson extra) {
        int upload = staging.nextUpload();
        AudienceStaging.Writer w = staging.writer(t.id, upload, t.shards);
        ids.forEach(w::add);
        List<Integer> layout = w.finish();
        UpdateResult r = CoordinationConcern.pin(Task.<Task>mongoCollection()).updateOne(
                Filters.and(Filters.eq("_id", t.id), Filters.eq("state", expected.wire()),
                        Filters.eq("stagedUpload", t.stagedUpload)),
                Updates.combine(Updates.set("staged", layout), Updates.set("stagedUpload", upload),
                        Updates.set("stagedLines", w.lines()), Updates.set("progress.total", w.lines()),
                        Updates.set("updatedAt", new Date()), extra));
        if (r.getMatchedCount() == 0) {
            staging.delete(t.id, upload, layout);
            throw new OpRefusal("constraint " + t.id + " changed meanwhile; try again");
        }
        if (t.staged != null) {
            staging.delete(t.id, t.stagedUpload, t.staged);
        }
    }

    /** The staged ids of one shard, each once. */
    public List<String> shard(Task t, int shard) {
        if (t.staged == null || t.staged.get(shard) == 0) {
            return List.of();
        }
        return new ArrayList<>(new LinkedHashSet<>(staging.readShard(t.id, t.stagedUpload, shard, t.staged.get(shard))));
    }
}
