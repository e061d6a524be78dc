package dev.push.campaign;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.Map;

/** What an operator sends to create a campaign. */
public record CampaignRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull Long audienceId,
        @NotBlank @Size(max = 32) String channel,
        @NotNull @Valid Message message,
        @Min(1) @Max(256) Integer workers,
        @Min(0) @Max(1_000_000) Integer qps,
        @Min(0) @Max(1_000_000_000) Integer errorBudget,
        @Min(1) @Max(1000) Integer batchSize,
        OffsetDateTime startAt) {

    /**
     * The message every member receives. Title, body and link are Qute templates over the member
     * ({@code {member.attributes.firstName ?: 'there'}}); {@code utm} ({@code source}, {@code medium},
     * {@code campaign}, {@code term}, {@code content}) is appended to the link. {@code tracking} (on by default when
     * there is a link) sends each member a tracked link of this service instead, which counts the click and
     * redirects to the member's link.
     */
    public record Message(
            @Size(max = 500) String title,
            @Size(max = 4000) String body,
            @Size(max = 2000) String link,
            @Size(max = 100) Map<String, Object> data,
            @Size(max = 5) Map<String, @Size(max = 200) String> utm,
            Boolean tracking) {
    }
}
