package dev.push.member;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;

/** A member profile: attributes for audience queries and the addresses campaigns send to. */
@RegisterForReflection
public record Member(String id, Map<String, Object> attributes, Addresses addresses, Instant updatedAt) {
}
