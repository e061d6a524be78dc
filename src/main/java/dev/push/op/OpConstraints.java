package dev.push.op;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Updates;
import dev.push.audience.AudienceRequest;
import dev.push.audience.AudienceSource;
import dev.push.audience.Audiences;
import dev.push.audience.ListRestaging;
import dev.push.task.Task;
import dev.push.task.TaskEndpoints;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.conversions.Bson;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The constraint routes: audiences in op's words. */
@ApplicationScoped
public class OpConstraints {
    static final String NAME = "constraint";
    /** Longer lists go through {@code load_from_file}: the list is kept in the task document to answer {@code condition}. */
    static final int MAX_MIDS = 100_000;

    @Inject
    Tasks tasks;

    @Inject
    Audiences audiences;

    @Inject
    TaskEndpoints endpoints;

    @Inject
    OpViews views;

    @Inject
    OpControl control;

    @Inject
    ListRestaging restaging;

    public Map<String, Object> add(OpRequest req) {
        int workers = req.requiredInt("worker_total", 1, TaskEndpoints.MAX_WORKERS);
        int qps = req.intOr("qps", 0, 1_000_000, 0);
        Boolean disabled = req.optionalBoolean("disabled");
        Long conditionKind = req.optionalLong("condition_kind", 1, Long.MAX_VALUE);
        if (conditionKind == null || conditionKind != OpViews.CONDITION_MIDS) {
            throw new OpRefusal("condition_kind: must be 1 (a concrete list: condition {\"mids\": [...]}); "
                    + "a file goes through /constraint/load_from_file");
        }
        List<String> ids = mids(req.node("condition"));
        Long total = req.optionalLong("target_total", 0, Long.MAX_VALUE);
        if (total == null || total != ids.size()) {
            throw new OpRefusal("target_total: must equal the number of mids (" + ids.size() + ")");
        }
        Task t = audiences.create(new AudienceRequest("constraint from op",
                AudienceRequest.Source.ids(ids), workers, qps, null), dev.push.api.Actor.name());
        Bson keep = Updates.set("source.ids", ids);
        tasks.update(t.id, disabled == null ? keep : Updates.combine(keep, Updates.set("disabled", disabled)));
        return Map.of(NAME, views.constraint(tasks.find(t.id)));
    }

    public Map<String, Object> loadFromFile(OpRequest req) {
        String raw = req.requiredText("raw");
        byte[] file;
        try {
            file = Base64.getDecoder().decode(raw.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new OpRefusal("raw: is not base64 (" + e.getMessage() + ")");
        }
        Set<String> ids = new LinkedHashSet<>();
        long lines = 0;
        long valid = 0;
        for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
            String value = line.strip();
            if (value.isEmpty()) {
                continue;
            }
            lines++;
            String mid = OpTargets.canonicalMid(value);
            if (mid != null) {
                valid++;
                ids.add(mid);
            }
        }
        if (ids.isEmpty()) {
            throw new OpRefusal("raw: none of its " + lines + " lines is a member id (a positive integer)");
        }
        Task t = audiences.create(new AudienceRequest("constraint from op file",
                AudienceRequest.Source.upload(), 1, 0, null), dev.push.api.Actor.name());
        try {
            audiences.upload(t.id, new ByteArrayInputStream(String.join("\n", ids).getBytes(StandardCharsets.UTF_8)), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tasks.update(t.id, Updates.combine(Updates.set("source.lines", lines), Updates.set("source.rejected", lines - valid)));
        return Map.of(NAME, views.constraint(tasks.find(t.id)));
    }

    public Map<String, Object> get(OpRequest req) {
        return Map.of(NAME, views.constraint(control.find(NAME, Task.AUDIENCE, req.id("id"))));
    }

    public Map<String, Object> list(OpRequest req) {
        int offset = req.offset();
        int limit = req.limit();
        Tasks.Page page = tasks.page(Task.AUDIENCE, null, offset, limit);
        List<Object> list = new ArrayList<>();
        for (Task t : page.tasks()) {
            list.add(views.constraint(t));
        }
        return page(list, offset, page.total());
    }

    static Map<String, Object> page(List<Object> list, int offset, long total) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("list", list);
        out.put("offset", offset + list.size());
        out.put("total", total);
        return out;
    }

    /**
     * Changes what the console sends. Every field is checked before anything changes; a field
     * equal to its current value is no change, since the console sends its whole form back.
     */
    public Map<String, Object> update(OpRequest req) {
        long id = req.id("id");
        Task t = control.find(NAME, Task.AUDIENCE, id);
        Boolean disabled = req.optionalBoolean("disabled");
        Integer workers = req.optionalInt("worker_total", 1, TaskEndpoints.MAX_WORKERS);
        Integer qps = req.optionalInt("qps", 0, 1_000_000);
        Long total = req.optionalLong("target_total", 0, Long.MAX_VALUE);
        Long kind = req.optionalLong("condition_kind", 1, Long.MAX_VALUE);
        JsonNode condition = req.node("condition");
        List<String> newIds = null;
        boolean kindChanges = kind != null && kind != views.conditionKind(t);
        if (kindChanges || (condition != null && !views.sameJson(condition, views.condition(t)))) {
            if ((kind == null ? views.conditionKind(t) : kind) != OpViews.CONDITION_MIDS) {
                throw new OpRefusal("condition_kind: only 1 (a concrete list of mids) can be set here");
            }
            if (condition == null) {
                throw new OpRefusal("condition: is required when condition_kind changes to 1");
            }
            newIds = mids(condition);
            if (t.taskState() != TaskState.READY) {
                throw new OpRefusal("condition of constraint " + id + " cannot change: its state is "
                        + OpControl.describe(t.taskState()) + "; only a ready (1) constraint's condition can change, "
                        + "add a new constraint instead");
            }
            AudienceSource source = AudienceSource.of(t.source);
            if (!source.namesMembers()) {
                throw new OpRefusal("condition of constraint " + id + " selects members by " + source.kind()
                        + ": it cannot become a list here");
            }
        }
        if (total != null) {
            long expected = newIds != null ? newIds.size() : (Long) views.constraint(t).get("target_total");
            if (total != expected) {
                throw new OpRefusal("target_total: must equal the number of mids (" + expected + ")");
            }
        }
        if (newIds != null) {
            if (!restaging.replace(t, newIds)) {
                throw new OpRefusal("constraint " + t.id + " changed meanwhile; try again");
            }
        }
        if (workers != null || qps != null) {
            endpoints.patch(Task.AUDIENCE, id, new TaskEndpoints.Patch(null, workers, qps), dev.push.api.Actor.name());
        }
        if (disabled != null && disabled != t.disabled) {
            setDisabled(tasks, t, disabled);
        }
        return Map.of(NAME, views.constraint(tasks.find(id)));
    }

    static void setDisabled(Tasks tasks, Task t, boolean disabled) {
        tasks.amend(t, Updates.set("disabled", disabled), dev.push.api.Actor.name(), disabled ? "disabled" : "enabled");
    }

    public Map<String, Object> command(OpRequest req, TaskState.Command command) {
        return control.run(NAME, Task.AUDIENCE, req.id("id"), command, audiences::startCheck);
    }

    /** The member ids of a {@code {"mids": [...]}} condition: positive integers, each once. */
    static List<String> mids(JsonNode condition) {
        JsonNode mids = condition == null ? null : condition.get("mids");
        if (mids == null || !mids.isArray() || mids.isEmpty()) {
            throw new OpRefusal("condition: must be {\"mids\": [...]} with at least one member id");
        }
        if (mids.size() > MAX_MIDS) {
            throw new OpRefusal("condition.mids: at most " + MAX_MIDS + " ids; load a longer list with /constraint/load_from_file");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < mids.size(); i++) {
            JsonNode n = mids.get(i);
            String mid = n.isIntegralNumber() || n.isTextual() ? OpTargets.canonicalMid(n.asText()) : null;
            if (mid == null) {
                throw new OpRefusal("condition.mids[" + i + "]: must be a positive 64-bit integer");
            }
            if (!ids.add(mid)) {
                throw new OpRefusal("condition.mids[" + i + "]: " + mid + " is listed twice");
            }
        }
        return new ArrayList<>(ids);
    }
}
