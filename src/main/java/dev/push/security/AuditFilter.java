package dev.push.security;

import dev.push.channel.config.ChannelView;
import dev.push.op.OpAnswer;
import dev.push.task.TaskView;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every successful change through the API (POST, PUT, PATCH, DELETE under /api and the op routes)
 * goes to the audit trail: who, the method and path, the target, and for tasks and channels the
 * state after. Users and tokens write their own entries (their answers hold secrets).
 */
@Provider
public class AuditFilter implements ContainerResponseFilter {
    @Inject
    Audit audit;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || response.getStatus() >= 300) {
            return;
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/+", "");
        if (path.startsWith("/api/users") || path.startsWith("/api/tokens") || path.endsWith("/count")
                || path.endsWith("/preview") || path.matches("/(constraint|project|target)/(get|list|list_by_cid)")) {
            return;
        }
        Object entity = response.getEntity();
        if (entity instanceof OpAnswer a && a.ret() != OpAnswer.OK) {
            return; // refused: nothing changed
        }
        audit.record(Actor.name(), method + " " + path, target(path), null, after(entity));
    }

    /** "audiences/12" for /api/audiences/12/start, "constraint" for the op routes (their id is in the body). */
    static String target(String path) {
        String[] parts = path.replaceFirst("^/(api/)?", "").split("/");
        return parts.length >= 2 && !parts[1].isEmpty() ? parts[0] + "/" + parts[1] : parts[0];
    }

    static Map<String, Object> after(Object entity) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (entity instanceof TaskView t) {
            m.put("id", t.id());
            m.put("name", t.name());
            m.put("state", t.state() == null ? null : t.state().wire());
            m.put("disabled", t.disabled());
        } else if (entity instanceof ChannelView c) {
            m.put("name", c.name());
            m.put("type", c.type());
            m.put("version", c.version());
        } else {
            return null;
        }
        return m;
    }
}
