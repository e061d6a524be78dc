package dev.push.task;

import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/** What the audience and campaign resources share: listing, one task, patch and commands. */
@ApplicationScoped
public class TaskEndpoints {
    public static final int MAX_WORKERS = 256;

    @Inject
    Tasks tasks;

    @Inject
    TaskViews views;

    public record Page(List<TaskView> items, int offset, int limit, long total) {
    }

    /** The fields of a task that may change at any time, running or not. */
    public record Patch(@Size(min = 1, max = 200) String name, @Min(1) @Max(MAX_WORKERS) Integer workers,
                        @Min(0) @Max(1_000_000) Integer qps) {
    }

    public Page list(String kind, String state, int offset, int limit) {
        if (offset < 0) {
            throw ApiException.badRequest("offset", "must be 0 or more");
        }
        if (limit < 1 || limit > 500) {
            throw ApiException.badRequest("limit", "must be between 1 and 500");
        }
        TaskState wanted = null;
        if (state != null && !state.isBlank()) {
            try {
                wanted = TaskState.fromWire(state);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("state", "unknown state '" + state + "'");
            }
        }
        Tasks.Page page = tasks.page(kind, wanted, offset, limit);
        long total = page.total();
        List<TaskView> items = new ArrayList<>();
        for (Task t : page.tasks()) {
            items.add(views.view(t));
        }
        return new Page(items, offset, limit, total);
    }

    public TaskView get(String kind, long id) {
        return views.view(tasks.get(kind, id));
    }

    public TaskView patch(String kind, long id, Patch patch, String by) {
        Task t = tasks.get(kind, id);
        List<Bson> set = new ArrayList<>();
        StringBuilder what = new StringBuilder();
        if (patch.name() != null) {
            set.add(Updates.set("name", patch.name()));
            what.append(" name");
        }
        if (patch.workers() != null) {
            set.add(Updates.set("workers", patch.workers()));
            what.append(" workers ").append(t.workers).append("→").append(patch.workers());
        }
        if (patch.qps() != null) {
            set.add(Updates.set("qps", patch.qps()));
            what.append(" qps ").append(t.qps).append("→").append(patch.qps());
        }
        if (!set.isEmpty()) {
            tasks.amend(t, Updates.combine(set), by, "changed" + what);
        }
        return get(kind, id);
    }

    public TaskView command(String kind, long id, TaskState.Command command, String by, Tasks.StartCheck check) {
        return views.view(tasks.command(kind, id, command, by, check));
    }
}
