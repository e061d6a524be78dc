package dev.push.engine;

import dev.push.task.Task;
import dev.push.task.TaskState;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.List;

/** How the workers of one kind of task (audience, campaign) work a leased unit. */
public interface TaskKind {
    boolean handles(Task task);

    /** Checks the task may start (else throws) and answers how many members its run will process. */
    long startCheck(Task task);

    UnitWork open(WorkerContext worker, Task task, Document leasedUnit);

    /**
     * What a task of this kind keeps when its run finishes, beyond its counters: an update applied
     * together with the move to finished. {@code units} are the run's units, all done. It may also
     * tidy up what the run's unfinished attempts left; every master that sees the run done calls
     * it, so that must be safe to repeat.
     */
    Bson finished(Task task, List<Document> units);

    /**
     * Where a run whose units are all done moves its task, why, and what else the move writes: finished, unless the
     * kind has a further phase (an A/B campaign's test split waits, paused, for its winner).
     */
    default RunEnd end(Task task, List<Document> units) {
        return new RunEnd(TaskState.FINISHED, "all work done", finished(task, units));
    }

    record RunEnd(TaskState to, String reason, Bson extra) {
    }
}
