package dev.push.member;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A member profile: attributes for audience queries, the addresses campaigns send to and the member's IANA
 * {@code timezone} (optional; docs/timing.md). {@code optOut} is what an
 * import line adds to the member's opt-outs (kept apart from the profile, in {@code dev.push.consent}), else empty.
 * {@code devices}: the member's app installs and browsers ({@link Device}); in an import line, null when the line has
 * none, which leaves the member's devices as they are.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(String id, Map<String, Object> attributes, Addresses addresses, String timezone, Instant updatedAt,
                     @JsonIgnore Set<String> optOut, List<Device> devices) {
    public Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt) {
        this(id, attributes, addresses, null, updatedAt, Set.of(), null);
    }

    /** A member without a zone whose devices an import leaves as they are ({@code devices} null). */
    public Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt, Set<String> optOut) {
        this(id, attributes, addresses, null, updatedAt, optOut, null);
    }
}
