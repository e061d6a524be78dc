package dev.push.engine;

import dev.push.task.Task;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the task steps of one tick learn about one running task, for the steps after them. */
final class TaskTick {
    final Tick tick;
    /** The task as last read or moved by this tick. */
    Task task;
    /** The units of its run, read by {@link RunCompletion}. */
    List<Document> units = List.of();
    /** Its worker slots, read by {@link WorkerHeartbeats}. */
    Map<Integer, WorkerSlot> slots = Map.of();
    /** This instance's workers of the task. */
    List<Worker> local = List.of();
    int liveWorkers;
    /** Slots of dead workers, as "worker on instance". */
    final List<String> dead = new ArrayList<>();
    /** Each worker's share of the task's qps. */
    double share;

    TaskTick(Tick tick, Task task) {
        this.tick = tick;
        this.task = task;
    }

    /** A slot needs no new worker: it is held by one of ours or by a live worker. */
    boolean held(WorkerSlot slot, Liveness liveness) {
        return slot != null && (local.stream().anyMatch(w -> w.id.equals(slot.owner)) || liveness.slotLive(slot));
    }
}
