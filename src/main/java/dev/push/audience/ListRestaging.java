package dev.push.audience;

import com.mongodb.client.model.Updates;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.conversions.Bson;

import java.util.List;

/**
 * Replaces the staged ids of a list audience, the way a new upload does: the ids are staged
 * as the next upload, the task switches to it with a compare-and-set on its state and upload
 * number, and only then is the old upload removed — so a concurrent start builds either the old
 * or the new list, never a mix.
 */
@ApplicationScoped
public class ListRestaging {
    @Inject
    AudienceStaging staging;

    @Inject
    Tasks tasks;

    /**
     * Makes a ready audience a list of {@code ids}. False when it was no longer ready on the upload
     * {@code audience} had: nothing changed then.
     */
    public boolean replace(Task audience, List<String> ids) {
        return restage(audience, ids, TaskState.READY, Updates.set("source", new AudienceSource.Ids(ids).toDocument()));
    }

    /**
     * Stages {@code ids} as the audience's list and applies {@code changes} in the same
     * compare-and-set, while it is in {@code state}. False when it changed meanwhile.
     */
    boolean restage(Task audience, List<String> ids, TaskState state, Bson changes) {
        int upload = staging.nextUpload();
        AudienceStaging.Writer w = staging.writer(audience.id, upload, audience.shards);
        ids.forEach(w::add);
        List<Integer> layout = w.finish();
        boolean switched = tasks.switchStaged(audience, state, Updates.combine(Updates.set("staged", layout),
                Updates.set("stagedUpload", upload), Updates.set("stagedLines", w.lines()),
                Updates.set("progress.total", w.lines()), changes));
        if (!switched) {
            staging.delete(audience.id, upload, layout);
            return false;
        }
        if (audience.staged != null) {
            staging.delete(audience.id, audience.stagedUpload, audience.staged);
        }
        return true;
    }
}
