package dev.push.op;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.campaign.CampaignRequest;
import dev.push.campaign.Campaigns;
import dev.push.channel.personalization.Personalization;
import dev.push.task.Task;
import dev.push.task.TaskEndpoints;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The project routes: campaigns in op's words, on the channel configured for op. */
@ApplicationScoped
public class OpProjects {
    static final String NAME = "project";

    @Inject
    Tasks tasks;

    @Inject
    Campaigns campaigns;

    @Inject
    TaskEndpoints endpoints;

    @Inject
    OpViews views;

    @Inject
    OpControl control;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

    @Inject
    Personalization personalization;

    @Inject
    OpConfig config;

    /**
     * {@code target_total} is checked (> 0) but not kept: a project pushes to every member of its
     * constraint, and answers that number as its {@code target_total}.
     */
    public Map<String, Object> add(OpRequest req) {
        Task constraint = usableConstraint(req.id("cid"));
        req.requiredInt("target_total", 1, Integer.MAX_VALUE);
        int workers = req.requiredInt("worker_total", 1, TaskEndpoints.MAX_WORKERS);
        int qps = req.intOr("qps", 0, 1_000_000, 0);
        Boolean disabled = req.optionalBoolean("disabled");
        CampaignRequest.Message message = message(req.node("msg"));
        CampaignRequest request = new CampaignRequest("project from op", constraint.id, config.channel(), null, message, workers, qps,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
        Set<ConstraintViolation<CampaignRequest>> problems = validator.validate(request);
        if (!problems.isEmpty()) {
            throw new OpRefusal(problems.stream().map(v -> opField(v.getPropertyPath().toString()) + ": " + v.getMessage())
                    .sorted().collect(Collectors.joining("; ")));
        }
        Task t = campaigns.create(request, dev.push.api.Actor.name());
        if (disabled != null && disabled) {
            OpConstraints.setDisabled(tasks, t, true);
        }
        return Map.of(NAME, views.project(tasks.find(t.id)));
    }

    public Map<String, Object> get(OpRequest req) {
        return Map.of(NAME, views.project(control.find(NAME, Task.CAMPAIGN, req.id("id"))));
    }

    public Map<String, Object> list(OpRequest req) {
        int offset = req.offset();
        int limit = req.limit();
        Tasks.Page page = tasks.page(Task.CAMPAIGN, null, offset, limit);
        List<Object> list = new ArrayList<>();
        for (Task t : page.tasks()) {
            list.add(views.project(t));
        }
        return OpConstraints.page(list, offset, page.total());
    }

    /**
     * Changes what the console sends; fields equal to their current value are no change. The
     * constraint and the message are what was pushed, so they change only before the first start.
     */
    public Map<String, Object> update(OpRequest req) {
        long id = req.id("id");
        Task t = control.find(NAME, Task.CAMPAIGN, id);
        Boolean disabled = req.optionalBoolean("disabled");
        Integer workers = req.optionalInt("worker_total", 1, TaskEndpoints.MAX_WORKERS);
        Integer qps = req.optionalInt("qps", 0, 1_000_000);
        req.optionalLong("target_total", 1, Integer.MAX_VALUE);
        Long cid = req.optionalLong("cid", 1, Long.MAX_VALUE);
        JsonNode msg = req.node("msg");
        List<Bson> changes = new ArrayList<>();
        if (cid != null && !cid.equals(t.audienceId)) {
            Task constraint = usableConstraint(cid);
            changes.add(Updates.set("audienceId", constraint.id));
            changes.add(Updates.set("shards", constraint.shards));
            changes.add(Updates.set("units", constraint.shards));
        }
        if (msg != null && !views.sameJson(msg, views.msg(t))) {
            CampaignRequest.Message m = message(msg);
            Set<ConstraintViolation<CampaignRequest.Message>> problems = validator.validate(m);
            if (!problems.isEmpty()) {
                throw new OpRefusal(problems.stream().map(v -> opField("message." + v.getPropertyPath()) + ": "
                        + v.getMessage()).sorted().collect(Collectors.joining("; ")));
            }
            try {
                personalization.check(m.title(), m.body(), m.link());
            } catch (ApiException e) {
                throw new OpRefusal(e.errors.stream().map(f -> opField(f.field()) + ": " + f.message()).collect(Collectors.joining("; ")));
            }
            changes.add(Updates.set("message", messageDocument(m)));
        }
        if (!changes.isEmpty() && t.taskState() != TaskState.READY) {
            throw new OpRefusal("cid and msg of project " + id + " cannot change: its state is "
                    + OpControl.describe(t.taskState()) + "; they change only while it is ready (1)");
        }
        if (!changes.isEmpty()) {
            tasks.amend(t, Updates.combine(changes), dev.push.api.Actor.name(), "changed cid or msg");
        }
        if (workers != null || qps != null) {
            endpoints.patch(Task.CAMPAIGN, id, new TaskEndpoints.Patch(null, workers, qps), dev.push.api.Actor.name());
        }
        if (disabled != null && disabled != t.disabled) {
            OpConstraints.setDisabled(tasks, t, disabled);
        }
        return Map.of(NAME, views.project(tasks.find(id)));
    }

    /**
     * Starts a project once its constraint is built. A constraint that is not finished is not
     * built for it: the op console starts constraints itself, and a build started behind its
     * back would surprise it; the detail says what to do.
     */
    public Map<String, Object> command(OpRequest req, TaskState.Command command) {
        long id = req.id("id");
        if (command == TaskState.Command.START) {
            Task t = control.find(NAME, Task.CAMPAIGN, id);
            if (!t.taskState().running()) {
                Task constraint = tasks.find(t.audienceId);
                if (constraint == null) {
                    throw new OpRefusal("constraint " + t.audienceId + " of project " + id + " does not exist");
                }
                if (constraint.disabled) {
                    throw new OpRefusal("constraint " + constraint.id + " of project " + id + " is disabled");
                }
                if (constraint.taskState() != TaskState.FINISHED) {
                    throw new OpRefusal("constraint " + constraint.id + " of project " + id + " is "
                            + OpControl.describe(constraint.taskState())
                            + ": start it and wait until it is 4 finished, then start the project");
                }
            }
        }
        return control.run(NAME, Task.CAMPAIGN, id, command, campaigns::startCheck);
    }

    private Task usableConstraint(long cid) {
        Task constraint = tasks.find(cid);
        if (constraint == null || !constraint.isAudience()) {
            throw new OpRefusal("cid: constraint " + cid + " does not exist");
        }
        if (constraint.disabled) {
            throw new OpRefusal("cid: constraint " + cid + " is disabled");
        }
        return constraint;
    }

    /** Op's message onto ours: title, body (or text), link (or url); the whole object as data. */
    @SuppressWarnings("unchecked")
    private CampaignRequest.Message message(JsonNode msg) {
        if (msg == null || !msg.isObject() || msg.isEmpty()) {
            throw new OpRefusal("msg: is required, a non-empty JSON object");
        }
        String title = text(msg, "title");
        String body = text(msg, "body") != null ? text(msg, "body") : text(msg, "text");
        String link = text(msg, "link") != null ? text(msg, "link") : text(msg, "url");
        if ((title == null || title.isBlank()) && (body == null || body.isBlank())) {
            throw new OpRefusal("msg: needs a title, a body or a text");
        }
        // Op's contract predates tracked links: its projects send their links as given.
        return new CampaignRequest.Message(title, body, link, json.convertValue(msg, Map.class), null, false);
    }

    private static Document messageDocument(CampaignRequest.Message m) {
        Document d = new Document();
        if (m.title() != null) {
            d.append("title", m.title());
        }
        if (m.body() != null) {
            d.append("body", m.body());
        }
        if (m.link() != null) {
            d.append("link", m.link());
        }
        return d.append("data", new Document(m.data()));
    }

    private static String text(JsonNode msg, String field) {
        JsonNode n = msg.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    /** A violation path such as {@code message.title} in op's field names. */
    private static String opField(String path) {
        if (path.equals("message.data")) {
            return "msg";
        }
        return path.startsWith("message") ? "msg" + path.substring("message".length()) : path;
    }
}
