package dev.push.audience;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** What an operator sends to create an audience. */
public record AudienceRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull @Valid Source source,
        @Min(1) @Max(256) Integer workers,
        @Min(0) @Max(1_000_000) Integer qps,
        @Min(1) @Max(4096) Integer shards) {

    /** Where the members come from. */
    public record Source(
            @NotNull @Pattern(regexp = "ids|upload|query|combine", message = "must be one of ids, upload, query, combine")
            String kind,
            @Size(max = 1_000_000) List<String> ids,
            JsonNode filter,
            @Pattern(regexp = "union|intersect|exclude", message = "must be one of union, intersect, exclude") String op,
            @Size(max = 50) List<Long> audiences) {
    }
}
