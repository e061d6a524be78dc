package dev.push.campaign;

import dev.push.api.ReadsOnly;
import dev.push.api.ApiException;
import dev.push.channel.personalization.PersonalMessage;
import dev.push.channel.personalization.MessageRefused;
import dev.push.channel.personalization.Personalization;
import dev.push.member.MemberStore;
import dev.push.task.Task;
import dev.push.variant.Variants;
import dev.push.task.Tasks;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/** What an operator does with a campaign's message besides running it: preview, test send, retry. */
@Path("/api/campaigns/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
@Blocking
@RolesAllowed("operator")
public class CampaignSendsResource {
    @Inject
    Tasks tasks;

    @Inject
    MemberStore members;

    @Inject
    Personalization personalization;

    @Inject
    TestSend testSend;

    @Inject
    CampaignRetry retry;

    /** A stored member's id, or attributes to render with; for an A/B campaign, a variant's name (else the member's). */
    public record PreviewRequest(String memberId, Map<String, Object> attributes, String variant) {
    }

    public record RetryRequest(String what) {
    }

    @POST
    @Path("preview")
    @ReadsOnly
    @Operation(summary = "Render the message as a member would receive it (by memberId, or for the attributes given)")
    @RolesAllowed("viewer")
    public PersonalMessage preview(@PathParam("id") long id, PreviewRequest request) {
        Task campaign = tasks.get(Task.CAMPAIGN, id);
        String memberId = request == null || request.memberId() == null ? "preview" : request.memberId();
        Map<String, Object> attributes = request == null || request.attributes() == null ? Map.of() : request.attributes();
        if (request != null && request.memberId() != null) {
            attributes = members.find(request.memberId())
                    .orElseThrow(() -> ApiException.notFound("member", request.memberId())).attributes();
        }
        org.bson.Document message = Campaigns.messageOf(campaign, memberId);
        if (request != null && request.variant() != null) {
            int v = Variants.number(campaign, request.variant());
            if (v == 0) {
                throw ApiException.badRequest("variant", "campaign " + id + " has no variant named " + request.variant());
            }
            message = Variants.message(campaign, v);
        }
        try {
            return personalization.template(campaign.id, message).render(memberId, attributes);
        } catch (MessageRefused e) {
            throw new ApiException(422, "Message does not render", e.getMessage(),
                    List.of(new ApiException.FieldError(e.field(), e.reason())));
        }
    }

    @POST
    @Path("test")
    @Operation(summary = "Send the message to a few members or raw addresses now, without touching the campaign's records or counters")
    public Map<String, List<TestSend.Result>> test(@PathParam("id") long id, TestSend.Request request) {
        return Map.of("outcomes", testSend.send(id, request));
    }

    @POST
    @Path("retry")
    @Operation(summary = "Send the failed (retryable) or unknown members once more, with their original idempotency keys")
    public CampaignRetry.Result retry(@PathParam("id") long id, RetryRequest request) {
        return retry.retry(id, request == null ? null : request.what(), dev.push.api.Actor.name());
    }
}
