package dev.push.member;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A member profile: attributes for audience queries, the addresses campaigns send to and the member's IANA
 * {@code timezone} (optional; docs/timing.md). {@code optOut} is what an
 * import line adds to the member's opt-outs (kept apart from the profile, in {@code dev.push.consent}), else empty.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(String id, Map<String, Object> attributes, Addresses addresses, String timezone, Instant updatedAt,
                     @JsonIgnore Set<String> optOut) {
    public Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt) {
        this(id, attributes, addresses, null, updatedAt, Set.of());
    }

    public Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt, Set<String> optOut) {
        this(id, attributes, addresses, null, updatedAt, optOut);
    }
}
