package dev.push.member;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A member profile: attributes for audience queries and the addresses campaigns send to. {@code optOut} is what an
 * import line adds to the member's opt-outs (kept apart from the profile, in {@code dev.push.consent}), else empty.
 */
@RegisterForReflection
public record Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt,
                     @JsonIgnore Set<String> optOut) {
    public Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt) {
        this(id, attributes, addresses, updatedAt, Set.of());
    }
}
