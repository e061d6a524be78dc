package dev.push.member;

import dev.push.api.ApiException;
import dev.push.api.Problem;
import dev.push.consent.Categories;
import dev.push.consent.Consents;
import dev.push.consent.Preferences;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

@Path("/api/members")
@Tag(name = "Members", description = "Member profiles: attributes for audience queries, addresses for campaigns")
@RolesAllowed("operator")
public class MemberResource {
    public static final String NDJSON = "application/x-ndjson";
    public static final String CSV = "text/csv";

    private final MemberImport memberImport;
    private final MemberStore store;
    private final Consents consents;
    private final Categories categories;
    private final SuppressionList suppressions;

    public MemberResource(MemberImport memberImport, MemberStore store, Consents consents, Categories categories,
                          SuppressionList suppressions) {
        this.memberImport = memberImport;
        this.store = store;
        this.consents = consents;
        this.categories = categories;
        this.suppressions = suppressions;
    }

    @POST
    @Path("/import")
    @Consumes({NDJSON, CSV})
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Import members",
            description = "Upserts members from a streamed file of any size, replacing each named member's whole profile. "
                    + "NDJSON: one {\"id\", \"attributes\", \"addresses\", \"optOut\", \"timezone\", \"devices\"} object a line "
                    + "(devices, when given, replace the member's; a line without devices leaves them as they are). CSV: a header "
                    + "row with id, email, webhook, fcm, apns, webpush, attr.NAME, optOut (categories separated by ;, or all) and "
                    + "timezone (an IANA zone such as Europe/Paris; any other value rejects the line) columns; optOut only "
                    + "adds to the member's opt-outs, it never opts anyone back in; attribute values that look like numbers or "
                    + "true/false are typed, an empty field is absent. Bad lines (numbered from 1, a CSV header is line 1) "
                    + "are reported and the rest is imported. Lines over 64 KiB are rejected. UTF-8 unless the content type names "
                    + "US-ASCII, ISO-8859-1, ISO-8859-15 or windows-1252.")
    @RequestBody(content = {
            @Content(mediaType = NDJSON, examples = @ExampleObject(name = "ndjson",
                    value = "{\"id\": \"u1\", \"attributes\": {\"country\": \"FR\", \"age\": 31}, \"addresses\": {\"email\": \"a@example.org\"}}\n")),
            @Content(mediaType = CSV, examples = @ExampleObject(name = "csv",
                    value = "id,email,attr.country,attr.age\nu1,a@example.org,FR,31\n"))})
    @APIResponse(responseCode = "200", description = "Counts of created and replaced members, and the rejected lines")
    @APIResponse(responseCode = "400", description = "A CSV header the import cannot use", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "415", description = "Neither NDJSON nor CSV, or an unsupported charset", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public ImportReport importMembers(@Context HttpHeaders headers, InputStream body) {
        MediaType type = headers.getMediaType();
        MemberImport.Format format = type.isCompatible(MediaType.valueOf(CSV)) ? MemberImport.Format.CSV : MemberImport.Format.NDJSON;
        return memberImport.run(body, format, charset(type.getParameters().get(MediaType.CHARSET_PARAMETER)));
    }

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            Charset charset = Charset.forName(name);
            if (MemberImport.CHARSETS.contains(charset)) {
                return charset;
            }
        } catch (IllegalArgumentException e) {
            // unknown or illegal name: refused below like an unsupported one
        }
        throw new ApiException(415, "Unsupported Media Type",
                "charset " + name + " is not supported (send UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 or windows-1252)", List.of());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One member")
    @APIResponse(responseCode = "200", description = "The member")
    @APIResponse(responseCode = "400", description = "An id outside [A-Za-z0-9_.:@+-]{1,128}", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such member", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @RolesAllowed("viewer")
    public Member get(@PathParam("id") String id) {
        if (!MemberId.isValid(id)) {
            throw ApiException.badRequest("id", MemberId.RULE);
        }
        return store.find(id).orElseThrow(() -> ApiException.notFound("member", id));
    }

    @GET
    @Path("/{id}/preferences")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What a member opted out of",
            description = "The categories the member opted out of (optedOutOf) and whether they opted out of everything "
                    + "(optedOutOfAll). Suppressed addresses are not shown here.")
    @APIResponse(responseCode = "200", description = "The member's opt-outs")
    @APIResponse(responseCode = "404", description = "No such member", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @RolesAllowed("viewer")
    public Preferences preferences(@PathParam("id") String id) {
        get(id);
        return consents.of(id);
    }

    @PUT
    @Path("/{id}/preferences")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set what a member opted out of",
            description = "Replaces the member's opt-outs: the categories in optedOutOf (each one of push.consent.categories) "
                    + "and, with optedOutOfAll, everything. Campaigns and triggered sends of an opted-out category skip "
                    + "the member with reason \"opted out\". This is the only way to opt a member back in: imports and "
                    + "unsubscribe links only add opt-outs.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "preferences",
            value = "{\"optedOutOf\": [\"promotions\"], \"optedOutOfAll\": false}")))
    @APIResponse(responseCode = "200", description = "The member's opt-outs as now stored")
    @APIResponse(responseCode = "400", description = "An unknown category", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "No such member", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Preferences setPreferences(@PathParam("id") String id, Preferences preferences) {
        if (preferences == null) {
            throw ApiException.badRequest("body", "must be {\"optedOutOf\": [category…], \"optedOutOfAll\": boolean}");
        }
        List<String> optedOutOf = preferences.optedOutOf() == null ? List.of() : preferences.optedOutOf();
        for (int i = 0; i < optedOutOf.size(); i++) {
            categories.check("optedOutOf[" + i + "]", optedOutOf.get(i));
        }
        get(id);
        consents.set(id, new Preferences(optedOutOf, Boolean.TRUE.equals(preferences.optedOutOfAll())));
        return consents.of(id);
    }

    @POST
    @Path("/suppressions")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Upload a suppression list",
            description = "One entry a line, UTF-8, streamed: member ids (kind=id, the default) or addresses of one kind "
                    + "(kind=email, webhook, fcm or apns). Each is opted out of everything: members by id whether or not "
                    + "they are imported yet, addresses for whichever member has them. Bad lines are reported by number.")
    @RequestBody(content = @Content(mediaType = MediaType.TEXT_PLAIN, examples = @ExampleObject(name = "emails",
            value = "a@example.org\nb@example.org\n")))
    @APIResponse(responseCode = "200", description = "How many entries were suppressed, and the rejected lines")
    @APIResponse(responseCode = "400", description = "An unknown kind", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public SuppressionList.Report suppress(@QueryParam("kind") @DefaultValue(SuppressionList.IDS) String kind, InputStream body) {
        return suppressions.upload(kind, body);
    }
}
