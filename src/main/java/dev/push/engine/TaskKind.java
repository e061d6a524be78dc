package dev.push.engine;

import dev.push.task.Task;
import org.bson.Document;

/** How the workers of one kind of task (audience, campaign) work a leased unit. */
public interface TaskKind {
    boolean handles(Task task);

    /** Checks the task may start (else throws) and answers how many members its run will process. */
    long startCheck(Task task);

    UnitWork open(WorkerContext worker, Task task, Document leasedUnit);
}
