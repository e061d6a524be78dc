package dev.push.engine;

import dev.push.task.RunningWorkers;
import dev.push.task.Task;
import dev.push.task.TaskView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/** A task's worker slots as the task view shows them, judged by this instance's {@link Liveness}. */
@ApplicationScoped
class TaskWorkerSlots implements RunningWorkers {
    @Inject
    MasterLoop loop;

    private final WorkerSlots slots = new WorkerSlots();

    @Override
    public List<TaskView.LiveWorker> of(Task task) {
        Master master = loop.master();
        List<TaskView.LiveWorker> out = new ArrayList<>();
        for (WorkerSlot s : slots.read(task.id, task.workers).values()) {
            boolean mine = master.instanceId.equals(s.instance);
            out.add(new TaskView.LiveWorker(s.owner, s.instance, s.slot, mine ? 0 : master.silence(s),
                    mine || master.live(s)));
        }
        out.sort((a, b) -> Integer.compare(a.slot(), b.slot()));
        return out;
    }
}
