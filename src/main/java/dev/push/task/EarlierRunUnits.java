package dev.push.task;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.push.storage.PushDatabase;
import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.Date;

/**
 * The units of a task's earlier runs go: a start again makes a new run with units of its own, and
 * nothing reads the old ones (a straggling worker of an old run finds its unit gone and stops, as
 * it would on a take-over). The current run's units stay, whatever the task's state: they hold
 * the counters of a stopped or failed run.
 */
@ApplicationScoped
class EarlierRunUnits implements RetentionRule {
    @Inject
    PushDatabase collections;

    @Override
    public String describe() {
        return "units of runs before a task's current one";
    }

    @Override
    public long sweep(Date now) {
        long removed = 0;
        for (Task t : Task.<Task>mongoCollection().find(Filters.gt("run", 1L)).projection(Projections.include("run"))) {
            // By key order: {t, r, s} keys of this task with r below the current run.
            removed += collections.get(PushDatabase.TASK_SHARDS).deleteMany(Filters.and(
                    Filters.gte("_id", TaskUnits.key(t.id, 0, 0)), Filters.lt("_id", TaskUnits.key(t.id, t.run, 0))))
                    .getDeletedCount();
        }
        return removed;
    }
}
