package dev.push.security;

import dev.push.api.Actor;
import dev.push.channel.config.ChannelConfigs;
import dev.push.channel.config.ChannelView;
import dev.push.op.OpAnswer;
import dev.push.task.Task;
import dev.push.task.TaskView;
import dev.push.task.Tasks;
import dev.push.api.ReadsOnly;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.ext.Provider;
import org.bson.Document;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every successful change through the API (POST, PUT, PATCH, DELETE under /api and the op routes)
 * goes to the audit trail: who, the method and path, the target, and for tasks and channels the
 * state before (read by key as the request arrives) and after (from the answer). Users and tokens
 * write their own entries (their answers hold secrets).
 */
@Provider
public class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {
    /** The request property holding the target's state as the request arrived. */
    static final String BEFORE = "push.audit.before";

    @Inject
    Audit audit;

    @Inject
    Tasks tasks;

    @Inject
    ChannelConfigs channels;

    @Context
    ResourceInfo route;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = path(request);
        if (!audited(request.getMethod(), path, readsOnly())) {
            return;
        }
        Map<String, Object> before = before(target(path));
        if (before != null) {
            request.setProperty(BEFORE, before);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = path(request);
        if (!audited(request.getMethod(), path, readsOnly()) || response.getStatus() >= 300) {
            return;
        }
        Object entity = response.getEntity();
        if (entity instanceof OpAnswer a && a.ret() != OpAnswer.OK) {
            return; // refused: nothing changed
        }
        audit.record(Actor.name(), request.getMethod() + " " + path, target(path),
                (Map<String, Object>) request.getProperty(BEFORE), after(entity));
    }

    /** The path the router matched, however it was spelled: segments without their ;parameters, no empty ones. */
    private static String path(ContainerRequestContext request) {
        StringBuilder path = new StringBuilder();
        for (PathSegment segment : request.getUriInfo().getPathSegments()) {
            if (!segment.getPath().isEmpty()) {
                path.append('/').append(segment.getPath());
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    private boolean readsOnly() {
        Method m = route == null ? null : route.getResourceMethod();
        return m != null && m.isAnnotationPresent(ReadsOnly.class);
    }

    /**
     * Changes, but not routes that read with POST ({@link ReadsOnly}), nor users and tokens (they
     * write their own entries, without their secrets), nor signing out.
     */
    static boolean audited(String method, String path, boolean readsOnly) {
        if (readsOnly || method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return false;
        }
        // Events are app back ends' reports of what members did, thousands a minute: counted in the funnel, not audited.
        // Triggered sends come as fast and are their own record (the sends collection, GET /api/sends/{id}).
        return !(path.equals("/api/events") || path.equals("/api/sends") || path.startsWith("/api/users") || path.startsWith("/api/tokens")
                || path.equals("/api/logout"));
    }

    /** "audiences/12" for /api/audiences/12/start, "constraint/start" for the op routes (their id is in the body). */
    static String target(String path) {
        String[] parts = path.replaceFirst("^/(api/)?", "").split("/");
        return parts.length >= 2 && !parts[1].isEmpty() ? parts[0] + "/" + parts[1] : parts[0];
    }

    /** The task or channel a change is about, as it is now; null for other targets and for ones that do not exist. */
    Map<String, Object> before(String target) {
        int slash = target.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String key = target.substring(slash + 1);
        switch (target.substring(0, slash)) {
            case "audiences", "campaigns" -> {
                if (!key.matches("\\d{1,18}")) {
                    return null;
                }
                Task t = tasks.brief(Long.parseLong(key));
                return t == null ? null : task(t.id, t.name, t.state, t.disabled, t.workers, t.qps);
            }
            case "channels" -> {
                Document c = channels.find(key);
                return c == null ? null : channel(c.getString("_id"), c.getString("type"), c.getLong("version"));
            }
            default -> {
                return null;
            }
        }
    }

    static Map<String, Object> after(Object entity) {
        if (entity instanceof TaskView t) {
            return task(t.id(), t.name(), t.state() == null ? null : t.state().wire(), t.disabled(), t.workers(), t.qps());
        }
        if (entity instanceof ChannelView c) {
            return channel(c.name(), c.type(), c.version());
        }
        return null;
    }

    /** What the trail keeps of a task, before and after alike. */
    private static Map<String, Object> task(long id, String name, String state, boolean disabled, int workers, int qps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("state", state);
        m.put("disabled", disabled);
        m.put("workers", workers);
        m.put("qps", qps);
        return m;
    }

    /** What the trail keeps of a channel: never its settings (they may hold addresses) nor its credentials. */
    private static Map<String, Object> channel(String name, String type, Long version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        m.put("version", version);
        return m;
    }
}
