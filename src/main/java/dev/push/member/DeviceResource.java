package dev.push.member;

import com.fasterxml.jackson.databind.JsonNode;
import dev.push.api.ApiException;
import dev.push.api.Problem;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.util.List;

/** The routes app back ends call to register, refresh and remove a member's devices (the {@code devices} role). */
@Path("/api/members/{id}/devices")
@Tag(name = "Devices", description = "A member's app installs and browsers, registered by app back ends")
@RolesAllowed({"operator", "devices"})
@Blocking
public class DeviceResource {
    @Inject
    Devices devices;

    @Inject
    MemberStore store;

    @Inject
    Clock clock;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A member's devices")
    @APIResponse(responseCode = "200", description = "The member's devices, active or not")
    @APIResponse(responseCode = "404", description = "No such member", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @RolesAllowed({"viewer", "devices"})
    public List<Device> list(@PathParam("id") String id) {
        return member(id).devices();
    }

    @PUT
    @Path("/{deviceId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register or refresh a device",
            description = "Registers the member's device deviceId, or replaces its registration (a new token, app, platform "
                    + "or locale): the device is active again and its lastSeen is now. channel is fcm or apns with the "
                    + "provider's token, or webpush with the browser's subscription (PushSubscription.toJSON(): endpoint "
                    + "and keys p256dh and auth). A member not imported yet is created with no attributes. A member has "
                    + "at most push.devices.max-per-member devices (20 unless configured).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "fcm", value = "{\"channel\": \"fcm\", \"token\": \"dGhpcyBpcyBhIHRva2Vu\", \"app\": \"shop\", "
                    + "\"platform\": \"android\", \"locale\": \"fr-FR\"}"),
            @ExampleObject(name = "webpush", value = "{\"channel\": \"webpush\", \"subscription\": {\"endpoint\": "
                    + "\"https://push.example.net/s/abc\", \"keys\": {\"p256dh\": \"BNc…\", \"auth\": \"tBH…\"}}, \"app\": \"shop-web\", "
                    + "\"platform\": \"web\"}")}))
    @APIResponse(responseCode = "201", description = "The device, registered")
    @APIResponse(responseCode = "200", description = "The device, its registration refreshed")
    @APIResponse(responseCode = "400", description = "Bad device input (an unknown channel, a subscription without keys, "
            + "a missing token, the member's device limit reached), naming the field", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response register(@PathParam("id") String id, @PathParam("deviceId") String deviceId, JsonNode body) {
        memberId(id);
        Device device;
        try {
            device = DeviceInput.registered(deviceId, body, clock.instant());
        } catch (DeviceInput.Refused e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
        Devices.Registered done;
        try {
            done = devices.register(id, device);
        } catch (Devices.OverLimit e) {
            throw ApiException.badRequest("devices", e.getMessage());
        }
        return Response.status(done == Devices.Registered.CREATED ? 201 : 200).entity(device).build();
    }

    @DELETE
    @Path("/{deviceId}")
    @Operation(summary = "Remove a device", description = "Campaigns no longer send to it.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such member or device", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public void remove(@PathParam("id") String id, @PathParam("deviceId") String deviceId) {
        memberId(id);
        if (!devices.remove(id, deviceId)) {
            throw ApiException.notFound("device", deviceId + " of member " + id);
        }
    }

    private Member member(String id) {
        memberId(id);
        return store.find(id).orElseThrow(() -> ApiException.notFound("member", id));
    }

    private static void memberId(String id) {
        if (!MemberId.isValid(id)) {
            throw ApiException.badRequest("id", MemberId.RULE);
        }
    }
}
