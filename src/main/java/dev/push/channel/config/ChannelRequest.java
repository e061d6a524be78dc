package dev.push.channel.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * A channel configuration as an operator sends it. {@code credentials} are write-only: on update,
 * leaving them out keeps the stored ones.
 */
public record ChannelRequest(
        @NotBlank @Size(max = 32) @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be lower-case letters, digits, _ and -") String name,
        @NotBlank @Size(max = 32) String type,
        @Size(max = 50) Map<String, Object> settings,
        @Size(max = 20) Map<String, String> credentials,
        @Valid Limits limits) {

    /** Cluster-wide limits of the channel, shared out over the live instances (see {@code ChannelLimits}). */
    public record Limits(@Min(1) @Max(10_000_000) Integer perSecond, @Min(1) @Max(1_000_000) Integer inFlight) {
    }

    /** Never prints the credentials' values, so a logged request leaks nothing. */
    @Override
    public String toString() {
        return "ChannelRequest[name=" + name + ", type=" + type + ", settings=" + settings + ", credentials="
                + (credentials == null ? "none" : credentials.keySet() + " (values hidden)") + ", limits=" + limits + "]";
    }
}
