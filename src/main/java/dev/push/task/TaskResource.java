package dev.push.task;

import dev.push.api.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;

@Path("/api/tasks")
@Tag(name = "Tasks")
@RolesAllowed("viewer")
public class TaskResource {
    @Inject
    Tasks tasks;

    @Inject
    TaskViews views;

    @Inject
    TaskUnits shards;

    /** A unit of work (a shard) of the task's current run, as the shard grid shows it. */
    public record UnitView(int unit, String state, String owner, long leaseLeftMs, int cursor, Progress counts) {
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The task (audience or campaign) as server-sent events, one a second")
    public Multi<TaskView> events(@PathParam("id") long id) {
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1))
                .onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> {
                    Task t = tasks.find(id);
                    if (t == null) {
                        throw ApiException.notFound("task", id);
                    }
                    return views.view(t);
                });
    }

    @GET
    @Path("{id}/units")
    @Produces(MediaType.APPLICATION_JSON)
    @io.smallrye.common.annotation.Blocking
    @Operation(summary = "The units (shards) of the task's current run: done, running (leased) or waiting")
    public java.util.List<UnitView> units(@PathParam("id") long id) {
        Task t = tasks.find(id);
        if (t == null) {
            throw ApiException.notFound("task", id);
        }
        if (t.run == 0) {
            return java.util.List.of();
        }
        long now = System.currentTimeMillis();
        java.util.List<UnitView> out = new java.util.ArrayList<>();
        for (org.bson.Document u : shards.all(t.id, t.run, t.units)) {
            long until = ((Number) u.get("until")).longValue();
            String owner = u.getString("owner");
            boolean done = u.getBoolean("done", false);
            String state = done ? "done" : owner != null && until >= now ? "running" : "waiting";
            out.add(new UnitView(TaskUnits.unitOf(u), state, done ? null : owner, Math.max(0, until - now),
                    u.getInteger("cursor", 0), Progress.of((org.bson.Document) u.get("counts"))));
        }
        return out;
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @io.smallrye.common.annotation.Blocking
    @Operation(summary = "One task, audience or campaign")
    public TaskView get(@PathParam("id") long id) {
        Task t = tasks.find(id);
        if (t == null) {
            throw ApiException.notFound("task", id);
        }
        return views.view(t);
    }
}
