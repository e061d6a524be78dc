package dev.push.audience;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** What an operator sends to create an audience. */
public record AudienceRequest(
        @NotBlank @Size(max = 200) String name,
        @NotNull @Valid Source source,
        @Min(1) @Max(256) Integer workers,
        @Min(0) @Max(1_000_000) Integer qps,
        @Min(1) @Max(4096) Integer shards) {

    /**
     * Where the members come from, as the client sends it: {@code kind} and that kind's fields.
     * {@link AudienceSource} reads and checks it.
     */
    public record Source(
            String kind,
            @Size(max = 1_000_000) List<String> ids,
            JsonNode filter,
            String op,
            @Size(max = 50) List<Long> audiences) {

        public static Source ids(List<String> ids) {
            return new Source(AudienceSource.Ids.KIND, ids, null, null, null);
        }

        public static Source upload() {
            return new Source(AudienceSource.Upload.KIND, null, null, null, null);
        }
    }
}
