package dev.push.channel.config;

import dev.push.api.ApiException;
import dev.push.channel.limits.ChannelLimits;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.bson.Document;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Channel configurations. Credentials go in and never come out: answers name them, and they are
 * stored sealed by {@link CredentialCipher}.
 */
@Path("/api/channels")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Channels")
@Blocking
@RolesAllowed("admin")
public class ChannelResource {
    @Inject
    ChannelConfigs configs;

    @Inject
    ConfiguredChannels configured;

    @Inject
    CredentialCipher cipher;

    @Inject
    Channels channels;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Configure a channel campaigns can name: its type, settings and write-only credentials")
    public Response create(@NotNull @Valid ChannelRequest request) {
        if (channels.isBuiltIn(request.name())) {
            throw ApiException.badRequest("name", "'" + request.name() + "' is a built-in channel");
        }
        Document config = document(request, null, 1);
        if (!configs.insert(config)) {
            throw ApiException.conflict("channel " + request.name() + " exists; change it with PUT /api/channels/" + request.name());
        }
        return Response.created(URI.create("/api/channels/" + request.name())).entity(view(config)).build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a channel's settings; credentials left out are kept. Running campaigns pick the change up with their next unit of work")
    public ChannelView update(@PathParam("name") String name, @NotNull @Valid ChannelRequest request) {
        if (!name.equals(request.name())) {
            throw ApiException.badRequest("name", "must be the channel's name in the path (" + name + "); a channel is not renamed");
        }
        Document existing = configs.find(name);
        if (existing == null) {
            throw ApiException.notFound("channel", name);
        }
        long version = existing.getLong("version");
        Document config = document(request, existing, version + 1);
        if (!configs.replace(config, version)) {
            throw ApiException.conflict("channel " + name + " was changed concurrently; try again");
        }
        return view(config);
    }

    @GET
    @RolesAllowed("viewer")
    public List<ChannelView> list() {
        List<ChannelView> out = new ArrayList<>();
        configs.all().forEach(c -> out.add(view(c)));
        return out;
    }

    @GET
    @Path("{name}")
    @RolesAllowed("viewer")
    public ChannelView get(@PathParam("name") String name) {
        Document config = configs.find(name);
        if (config == null) {
            throw ApiException.notFound("channel", name);
        }
        return view(config);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Remove a channel configuration; campaigns naming it fail to start or continue")
    public Response delete(@PathParam("name") String name) {
        if (!configs.delete(name)) {
            throw ApiException.notFound("channel", name);
        }
        return Response.noContent().build();
    }

    /** The stored form: checks the whole configuration with its type, then seals the credentials. */
    private Document document(ChannelRequest request, Document existing, long version) {
        ChannelType type = configured.type(request.type());
        if (type == null) {
            throw ApiException.badRequest("type", "unknown type '" + request.type() + "' (known: "
                    + String.join(", ", configured.typeNames()) + ")");
        }
        if (existing != null && !request.type().equals(existing.getString("type"))) {
            throw ApiException.badRequest("type", "a channel keeps its type (" + existing.getString("type") + ")");
        }
        Document settings = new Document();
        if (request.settings() != null) {
            request.settings().forEach(settings::append);
        }
        Map<String, String> credentials;
        Document sealed;
        if (request.credentials() != null) {
            credentials = new LinkedHashMap<>(request.credentials());
            for (String key : credentials.keySet()) {
                if (!type.credentialNames().contains(key)) {
                    throw ApiException.badRequest("credentials." + key, "is not a credential of a " + type.type()
                            + " channel (known: " + String.join(", ", type.credentialNames()) + ")");
                }
            }
            sealed = credentials.isEmpty() ? null : cipher.seal(request.name(), credentials);
        } else if (existing != null) {
            sealed = existing.get("credentials", Document.class);
            credentials = cipher.open(request.name(), sealed);
        } else {
            credentials = Map.of();
            sealed = null;
        }
        Map<String, String> generated = type.generatedCredentials(credentials);
        if (!generated.isEmpty()) {
            credentials = new LinkedHashMap<>(credentials);
            credentials.putAll(generated);
            sealed = cipher.seal(request.name(), credentials);
        }
        List<ApiException.FieldError> errors = type.check(settings, credentials);
        if (!errors.isEmpty()) {
            StringBuilder detail = new StringBuilder();
            errors.forEach(e -> detail.append(detail.length() == 0 ? "" : "; ").append(e.field()).append(": ").append(e.message()));
            throw new ApiException(400, "Bad request", detail.toString(), errors);
        }
        settings.putAll(type.derivedSettings(credentials));
        Date now = new Date();
        return new Document("_id", request.name()).append("type", request.type()).append("settings", settings)
                .append("credentials", sealed).append("credentialNames", new ArrayList<>(credentials.keySet()))
                .append("limits", request.limits() == null ? new Document()
                        : new ChannelLimits(request.limits().perSecond(), request.limits().inFlight()).toDocument())
                .append("version", version)
                .append("createdAt", existing == null ? now : existing.getDate("createdAt")).append("updatedAt", now);
    }

    @SuppressWarnings("unchecked")
    private static ChannelView view(Document config) {
        Map<String, Object> settings = new LinkedHashMap<>(config.get("settings", Document.class));
        List<String> names = (List<String>) config.get("credentialNames");
        Document limits = config.get("limits", Document.class);
        return new ChannelView(config.getString("_id"), config.getString("type"), settings,
                names == null ? List.of() : names, limits == null ? Map.of() : new LinkedHashMap<>(limits), config.getLong("version"), config.getDate("createdAt"),
                config.getDate("updatedAt"));
    }
}
