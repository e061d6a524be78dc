package dev.push.campaign;

import jakarta.validation.Valid;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
 * before the expiry. {@code critical} (admins only): bypasses frequency caps and quiet hours, and counts toward the caps.
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
        @Valid Timing timing,
        Boolean critical,
        @Valid Devices devices) {

    /**
     * When members may be sent (docs/timing.md): at {@code localTime} on {@code date} in each member's zone
     * ({@code timezone} for members without one), members whose time had passed at the first start sent at once or
     * skipped ({@code passed}: {@code send}, the default, or {@code skip}); and never inside {@code quietHours}
     * (member-local), which override the global default ({@code enabled: false} turns them off).
     */
    @Schema(description = "When members may be sent (docs/timing.md): at localTime on date in each member's zone, and never "
            + "inside the quiet hours (member-local). Members wait, held, for their time; a held member past the expiry is "
            + "counted expired.")
    public record Timing(
            @Schema(description = "IANA zone of members without one of their own (default push.timing.default-zone)",
                    example = "Europe/Paris") @Size(max = 64) String timezone,
            @Schema(description = "Local date of a local-time campaign, with localTime", example = "2026-12-05") @Size(max = 10) String date,
            @Schema(description = "Local time on date in each member's zone", example = "10:00") @Size(max = 8) String localTime,
            @Schema(description = "Members whose local time had passed at the first start: send (now, the default) or skip "
                    + "(counted skipped with the reason)", enumeration = {"send", "skip"}) @Size(max = 8) String passed,
            @Valid QuietHours quietHours) {
    }

    /** No push between {@code start} and {@code end} (e.g. 21:00 and 08:00), member-local time; may span midnight. */
    @Schema(description = "Quiet hours overriding the global default (push.timing.quiet-start and -end): no push from start "
            + "to end, member-local, spanning midnight when start is later; enabled: false sends at any hour")
    public record QuietHours(@Schema(example = "21:00") @Size(max = 8) String start, @Schema(example = "08:00") @Size(max = 8) String end,
                             Boolean enabled) {
    }

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
