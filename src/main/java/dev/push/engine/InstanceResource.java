package dev.push.engine;

import com.mongodb.client.model.Filters;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

@Path("/api/instances")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cluster")
@Blocking
@RolesAllowed("viewer")
public class InstanceResource {
    @Inject
    EngineConfig config;

    public record InstanceView(String id, String host, String version, long heartbeatAgeMs, boolean live,
                               boolean draining, long startedAt, List<WorkerView> workers) {
    }

    public record WorkerView(String id, long task, int slot, long heartbeatAgeMs) {
    }

    @GET
    @Operation(summary = "Service instances with their heartbeat age and running workers")
    public List<InstanceView> list() {
        long now = System.currentTimeMillis();
        List<InstanceView> out = new ArrayList<>();
        for (ServiceInstance i : ServiceInstance.<ServiceInstance>listAll()) {
            List<WorkerView> ws = new ArrayList<>();
            for (WorkerSlot w : WorkerSlot.<WorkerSlot>mongoCollection().find(Filters.eq("instance", i.id))) {
                if (now - w.heartbeat <= config.heartbeatTimeout().toMillis()) {
                    ws.add(new WorkerView(w.owner, w.task, w.slot, now - w.heartbeat));
                }
            }
            long age = now - i.heartbeat;
            out.add(new InstanceView(i.id, i.host, i.version, age, age <= config.heartbeatTimeout().toMillis(),
                    i.draining, i.startedAt, ws));
        }
        return out;
    }
}
