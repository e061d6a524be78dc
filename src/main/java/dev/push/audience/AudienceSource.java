package dev.push.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.api.ApiException;
import dev.push.member.MemberId;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where an audience's members come from, one case per kind. An audience keeps it in its task as
 * {@code source: {"kind": …, …}}, the shape the API takes ({@link AudienceRequest.Source}) and the
 * op API shows; this type is the one place that reads a request's source, checks it, and reads and
 * writes the stored shape.
 */
public sealed interface AudienceSource
        permits AudienceSource.Ids, AudienceSource.Upload, AudienceSource.Query, AudienceSource.Combine {

    String KIND = "kind";

    /** The kinds, as the API spells them. */
    List<String> KINDS = List.of(Ids.KIND, Upload.KIND, Query.KIND, Combine.KIND);

    String kind();

    /** The stored shape, {@code {"kind": …}} and the kind's fields. */
    Document toDocument();

    /**
     * Members named one by one (a list or a file), staged before the build: one can be taken out,
     * and no later build brings it back.
     */
    default boolean namesMembers() {
        return false;
    }

    /**
     * Member ids listed in the request. The API stages them and keeps none in the task
     * ({@code ids} null); op keeps its lists inline too, to show them back as they were sent.
     */
    record Ids(List<String> ids) implements AudienceSource {
        public static final String KIND = "ids";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public boolean namesMembers() {
            return true;
        }

        @Override
        public Document toDocument() {
            Document d = new Document(AudienceSource.KIND, KIND);
            return ids == null ? d : d.append("ids", ids);
        }
    }

    /** Member ids from a file uploaded after the audience is created. */
    record Upload() implements AudienceSource {
        public static final String KIND = "upload";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public boolean namesMembers() {
            return true;
        }

        @Override
        public Document toDocument() {
            return new Document(AudienceSource.KIND, KIND);
        }
    }

    /** The members matching a filter on their attributes ({@link MemberFilter}), as stored (not translated). */
    record Query(Document filter) implements AudienceSource {
        public static final String KIND = "query";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Document toDocument() {
            return new Document(AudienceSource.KIND, KIND).append("filter", filter);
        }
    }

    /** A set operation over built audiences with the same number of shards. */
    record Combine(Operation op, List<Long> audiences) implements AudienceSource {
        public static final String KIND = "combine";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Document toDocument() {
            return new Document(AudienceSource.KIND, KIND).append("op", op.wire()).append("audiences", audiences);
        }
    }

    /** How a combined audience joins its sources, applied to one shard's ids at a time. */
    enum Operation {
        /** All members of any source. */
        UNION,
        /** The members in every source. */
        INTERSECT,
        /** The members of the first source that are in none of the others. */
        EXCLUDE;

        static final String RULE = "must be one of " + Arrays.stream(values()).map(Operation::wire)
                .collect(Collectors.joining(", "));

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The operation spelled {@code text}, or null when none is. */
        static Operation of(String text) {
            for (Operation o : values()) {
                if (o.wire().equals(text)) {
                    return o;
                }
            }
            return null;
        }

        Set<String> apply(List<List<String>> sources) {
            Set<String> result = null;
            for (List<String> ids : sources) {
                if (result == null) {
                    result = new LinkedHashSet<>(ids);
                } else if (this == UNION) {
                    result.addAll(ids);
                } else if (this == INTERSECT) {
                    result.retainAll(new HashSet<>(ids));
                } else {
                    ids.forEach(result::remove);
                }
            }
            return result == null ? new LinkedHashSet<>() : result;
        }
    }

    /** The stored source of an audience. */
    static AudienceSource of(Document stored) {
        String kind = stored == null ? null : stored.getString(KIND);
        if (kind == null) {
            throw new IllegalStateException("an audience's source has no kind: " + stored);
        }
        return switch (kind) {
            case Ids.KIND -> new Ids(stored.get("ids") instanceof List<?> ids
                    ? ids.stream().map(String::valueOf).toList() : null);
            case Upload.KIND -> new Upload();
            case Query.KIND -> new Query(stored.get("filter", Document.class));
            case Combine.KIND -> {
                List<Long> audiences = new ArrayList<>();
                for (Object id : stored.getList("audiences", Object.class, List.of())) {
                    audiences.add(((Number) id).longValue());
                }
                yield new Combine(Operation.of(stored.getString("op")), audiences);
            }
            default -> throw new IllegalStateException("an audience's source has an unknown kind: " + kind);
        };
    }

    /**
     * The source a request names, checked as far as it can be without the database: the kind, an
     * id list's ids, a filter's conditions ({@link MemberFilter}), a combination's operation and
     * number of audiences. Whether combined audiences exist is checked where they are read.
     *
     * @param json turns a filter into the document it is stored as
     */
    static AudienceSource from(AudienceRequest.Source request, ObjectMapper json) {
        return from(request, json, false);
    }

    /**
     * As {@link #from(AudienceRequest.Source, ObjectMapper)} for a source that is only counted,
     * never built: an id list is counted as sent (empty or not), a combination of fewer than two.
     */
    static AudienceSource draft(AudienceRequest.Source request, ObjectMapper json) {
        return from(request, json, true);
    }

    private static AudienceSource from(AudienceRequest.Source request, ObjectMapper json, boolean draft) {
        String kind = request.kind();
        if (kind == null || !KINDS.contains(kind)) {
            throw ApiException.badRequest("source.kind", "must be one of " + String.join(", ", KINDS));
        }
        switch (kind) {
            case Ids.KIND -> {
                List<String> ids = request.ids();
                if (draft) {
                    return new Ids(ids == null ? List.of() : ids);
                }
                if (ids == null || ids.isEmpty()) {
                    throw ApiException.badRequest("source.ids", "must list at least one member id");
                }
                for (int i = 0; i < ids.size(); i++) {
                    if (!MemberId.isValid(ids.get(i))) {
                        throw ApiException.badRequest("source.ids[" + i + "]", "member id " + MemberId.RULE);
                    }
                }
                return new Ids(ids);
            }
            case Query.KIND -> {
                JsonNode filter = request.filter();
                if (filter == null || !filter.isObject()) {
                    throw ApiException.badRequest("source.filter", "must be an object of conditions on member attributes");
                }
                MemberFilter.translate(filter);
                @SuppressWarnings("unchecked")
                Map<String, Object> map = json.convertValue(filter, Map.class);
                return new Query(new Document(map));
            }
            case Combine.KIND -> {
                Operation op = Operation.of(request.op());
                if (op == null) {
                    throw ApiException.badRequest("source.op", Operation.RULE);
                }
                List<Long> audiences = request.audiences() == null ? List.of() : request.audiences();
                if (!draft && audiences.size() < 2) {
                    throw ApiException.badRequest("source.audiences", "must name at least two audiences");
                }
                return new Combine(op, audiences);
            }
            default -> {
                return new Upload();
            }
        }
    }
}
