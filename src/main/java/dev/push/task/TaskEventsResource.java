package dev.push.task;

import dev.push.api.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
public class TaskEventsResource {
    @Inject
    Tasks tasks;

    @Inject
    TaskViews views;

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
