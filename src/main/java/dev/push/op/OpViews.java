package dev.push.op;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import dev.push.audience.AudienceSource;
import dev.push.engine.WorkerSlot;
import dev.push.task.Progress;
import dev.push.task.Task;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Constraints and projects as the op console reads them, field names and all. */
@ApplicationScoped
public class OpViews {
    /** {@code condition_kind} of a concrete list of member ids: {@code {"mids": [...]}}. */
    public static final int CONDITION_MIDS = 1;
    /** {@code condition_kind} of any other source (an uploaded file, a member query, a combination). */
    public static final int CONDITION_SOURCE = 2;

    @Inject
    Tasks tasks;

    @Inject
    ObjectMapper json;

    public Map<String, Object> constraint(Task t) {
        Progress p = tasks.liveProgress(t);
        Map<String, Long> timestamps = timestamps(t);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id);
        out.put("disabled", t.disabled);
        out.put("qps", t.qps);
        out.put("ct", seconds(t.createdAt));
        out.put("ut", seconds(t.updatedAt));
        out.put("state", t.taskState().opNumber);
        out.put("timestamps", timestamps);
        out.put("target_total", p.total);
        out.put("target_counter", p.processed);
        out.put("worker_total", t.workers);
        out.put("worker_counter", timestamps.size());
        out.put("condition_kind", conditionKind(t));
        out.put("condition", condition(t));
        return out;
    }

    public Map<String, Object> project(Task t) {
        Progress p = tasks.liveProgress(t);
        Map<String, Long> timestamps = timestamps(t);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id);
        out.put("cid", t.audienceId);
        out.put("state", t.taskState().opNumber);
        out.put("qps", t.qps);
        out.put("ct", seconds(t.createdAt));
        out.put("ut", seconds(t.updatedAt));
        out.put("timestamps", timestamps);
        out.put("disabled", t.disabled);
        out.put("worker_counter", timestamps.size());
        out.put("worker_total", t.workers);
        out.put("target_counter", p.processed);
        out.put("target_total", t.run > 0 ? p.total : constraintSize(t.audienceId));
        out.put("msg", msg(t));
        return out;
    }

    /** The message as the op console gave it: kept whole as the campaign message's {@code data}. */
    public Object msg(Task project) {
        Object data = project.message == null ? null : project.message.get("data");
        return data != null ? data : project.message;
    }

    public int conditionKind(Task constraint) {
        return inlineIds(constraint) != null ? CONDITION_MIDS : CONDITION_SOURCE;
    }

    /** The member ids op keeps in a list it made, or null for any other source. */
    private static List<String> inlineIds(Task constraint) {
        return constraint.source != null && AudienceSource.of(constraint.source) instanceof AudienceSource.Ids list
                ? list.ids() : null;
    }

    /** The mids of an op-made list, else the /api source without any inline list. */
    public Object condition(Task constraint) {
        List<String> ids = inlineIds(constraint);
        if (ids != null) {
            List<Object> mids = new ArrayList<>(ids.size());
            for (String id : ids) {
                mids.add(OpTargets.mid(id));
            }
            return Map.of("mids", mids);
        }
        return constraint.source == null ? new Document() : constraint.source;
    }

    /** Two JSON values compared after a round trip through text, so 1 (int) equals 1 (long). */
    public boolean sameJson(Object a, Object b) {
        try {
            JsonNode x = json.readTree(json.writeValueAsString(a));
            JsonNode y = json.readTree(json.writeValueAsString(b));
            return x.equals(y);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** Members a project's run will cover before it starts: its constraint's built (or listed) size. */
    private long constraintSize(Long cid) {
        Task c = cid == null ? null : tasks.find(cid);
        if (c == null) {
            return 0;
        }
        return c.layout != null && c.progress != null ? c.progress.sent : tasks.liveProgress(c).total;
    }

    /** Worker id → last heartbeat in unix seconds, for the workers of a running task. */
    private Map<String, Long> timestamps(Task t) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!t.taskState().running() || t.workers == 0) {
            return out;
        }
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < t.workers; s++) {
            keys.add(WorkerSlot.key(t.id, s));
        }
        List<WorkerSlot> slots = WorkerSlot.<WorkerSlot>mongoCollection().find(Filters.in("_id", keys)).into(new ArrayList<>());
        slots.sort((a, b) -> Integer.compare(a.slot, b.slot));
        for (WorkerSlot w : slots) {
            out.put(w.owner, w.heartbeat / 1000);
        }
        return out;
    }

    static Long seconds(Date d) {
        return d == null ? null : d.getTime() / 1000;
    }
}
