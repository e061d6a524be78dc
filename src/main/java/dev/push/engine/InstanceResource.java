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
    MasterLoop loop;

    public record InstanceView(String id, String host, String version, long heartbeatAgeMs, boolean live,
                               boolean draining, long startedAt, List<WorkerView> workers) {
    }

    public record WorkerView(String id, long task, int slot, long heartbeatAgeMs, boolean live) {
    }

    /**
     * Heartbeat ages are how long the answering instance has seen each heartbeat unchanged (its
     * own judgement, immune to clock differences between instances); its own age is 0.
     */
    @GET
    @Operation(summary = "Service instances with their heartbeat age and running workers")
    public List<InstanceView> list() {
        Master master = loop.master();
        List<InstanceView> out = new ArrayList<>();
        for (ServiceInstance i : ServiceInstance.<ServiceInstance>listAll()) {
            boolean me = i.id.equals(master.instanceId);
            List<WorkerView> ws = new ArrayList<>();
            for (WorkerSlot w : WorkerSlot.<WorkerSlot>mongoCollection().find(Filters.eq("instance", i.id))) {
                ws.add(new WorkerView(w.owner, w.task, w.slot, me ? 0 : master.silence(w), me || master.live(w)));
            }
            out.add(new InstanceView(i.id, i.host, i.version, me ? 0 : master.silence(i), master.live(i),
                    i.draining, i.startedAt, ws));
        }
        return out;
    }
}
