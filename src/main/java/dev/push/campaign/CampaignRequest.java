package dev.push.campaign;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * What an operator sends to create a campaign: its {@code message} inline, or the name of a saved {@code template}
 * (copied when the campaign is created, see docs/templates.md). {@code category} (one of
 * {@code push.consent.categories}, default promotions): members opted out of it are skipped. {@code expiresAt} (after
 * now and startAt) or {@code ttl} (ISO-8601, from the first start): members not sent by then are counted expired.
 * {@code collapseKey} and {@code priority} ({@code high} or {@code normal}) go to the providers with the time left
 * before the expiry. {@code devices} picks the members' devices by app or platform.
 */
public record CampaignRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull Long audienceId,
        @NotBlank @Size(max = 32) String channel,
        @Size(max = 32) String category,
        @Valid Message message,
        @Min(1) @Max(256) Integer workers,
        @Min(0) @Max(1_000_000) Integer qps,
        @Min(0) @Max(1_000_000_000) Integer errorBudget,
        @Min(1) @Max(1000) Integer batchSize,
        OffsetDateTime startAt,
        OffsetDateTime expiresAt,
        @Size(max = 40) String ttl,
        @Size(max = 64) String collapseKey,
        @Size(max = 10) String priority,
        List<@Valid Variant> variants,
        @Valid Winner winner,
        @Size(max = 64) String template,
        @Valid Devices devices) {

    /**
     * On a device channel (fcm, apns, webpush), which of each member's active devices of the channel are sent: those of
     * {@code app} and/or {@code platform} when given (each member's every device otherwise).
     */
    public record Devices(@Size(max = 128) String app, @Size(max = 128) String platform) {
    }

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

    /**
     * One of 2 to 8 A/B variants: what it changes of {@code message} (title, body, link, data; the rest is the
     * message's) and its {@code split}, the percent of the audience that gets it in the test. Named A, B, … by default.
     */
    public record Variant(
            @Size(max = 40) String name,
            @Size(max = 500) String title,
            @Size(max = 4000) String body,
            @Size(max = 2000) String link,
            @Size(max = 100) Map<String, Object> data,
            Integer split) {
    }

    /**
     * Winner mode: the {@code holdout} percent of the audience waits while the variants' splits are sent, then, after
     * {@code wait} (ISO-8601, default PT1H), gets the variant with the best {@code metric} rate ({@code clicked} or
     * {@code converted}, default clicked) when the difference is significant (chi-squared, p below {@code alpha},
     * default 0.05); otherwise {@code fallback}: a variant's name, or {@code stop} (the default) to ask the operator.
     */
    public record Winner(Integer holdout, @Size(max = 40) String metric,
                         @com.fasterxml.jackson.annotation.JsonProperty("wait") String waitFor, Double alpha,
                         @Size(max = 40) String fallback) {
    }
}
