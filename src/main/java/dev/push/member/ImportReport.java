package dev.push.member;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The answer to an import: members created, members that existed and were replaced, the first
 * {@value MemberImport#MAX_REPORTED_REJECTIONS} rejected lines and how many lines were rejected in all.
 */
@RegisterForReflection
@JsonPropertyOrder({"imported", "updated", "rejected", "rejectedCount"})
public record ImportReport(long imported, long updated, List<Rejection> rejected, long rejectedCount) {

    /** A line that was not imported, numbered from 1 (a CSV header is line 1), and why. */
    @RegisterForReflection
    public record Rejection(long line, String reason) {
    }
}
