package dev.push.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.storage.PushDatabase;
import dev.push.member.MemberId;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Creating audiences, staging their ids, counting them and reading their members. */
@ApplicationScoped
public class Audiences {
    static final int MAX_LINE = 1024;
    static final int MAX_REPORTED_REJECTS = 100;

    @Inject
    Tasks tasks;

    @Inject
    AudienceStaging staging;

    @Inject
    AudienceChunks chunks;

    @Inject
    PushDatabase collections;

    @Inject
    ObjectMapper json;

    @Inject
    QueryCount queryCount;

    public Task create(AudienceRequest req, String by) {
        AudienceRequest.Source src = req.source();
        Task t = new Task();
        t.kind = Task.AUDIENCE;
        t.name = req.name();
        t.workers = req.workers() == null ? 4 : req.workers();
        t.qps = req.qps() == null ? 0 : req.qps();
        t.shards = req.shards() == null ? Shards.DEFAULT_COUNT : req.shards();
        t.units = t.shards;
        Document source = new Document("kind", src.kind());
        switch (src.kind()) {
            case "ids" -> {
                if (src.ids() == null || src.ids().isEmpty()) {
                    throw ApiException.badRequest("source.ids", "must list at least one member id");
                }
                for (int i = 0; i < src.ids().size(); i++) {
                    String reason = (MemberId.isValid(src.ids().get(i)) ? null : "member id " + MemberId.RULE);
                    if (reason != null) {
                        throw ApiException.badRequest("source.ids[" + i + "]", reason);
                    }
                }
            }
            case "query" -> {
                if (src.filter() == null || !src.filter().isObject()) {
                    throw ApiException.badRequest("source.filter", "must be an object of conditions on member attributes");
                }
                MemberFilter.translate(src.filter());
                source.append("filter", toDocument(src.filter()));
                t.units = 1;
            }
            case "combine" -> {
                if (src.op() == null) {
                    throw ApiException.badRequest("source.op", "must be one of union, intersect, exclude");
                }
                if (src.audiences() == null || src.audiences().size() < 2) {
                    throw ApiException.badRequest("source.audiences", "must name at least two audiences");
                }
                for (int i = 0; i < src.audiences().size(); i++) {
                    Long id = src.audiences().get(i);
                    Task other = id == null ? null : tasks.find(id);
                    if (other == null || !other.isAudience()) {
                        throw ApiException.badRequest("source.audiences[" + i + "]", "audience " + id + " does not exist");
                    }
                    if (other.shards != t.shards) {
                        throw ApiException.badRequest("source.audiences[" + i + "]", "audience " + id + " has "
                                + other.shards + " shards, this one " + t.shards + ": combine needs the same");
                    }
                }
                source.append("op", src.op()).append("audiences", src.audiences());
            }
            default -> {
            }
        }
        t.source = source;
        tasks.create(t, by);
        if ("ids".equals(src.kind())) {
            int upload = staging.nextUpload();
            AudienceStaging.Writer w = staging.writer(t.id, upload, t.shards);
            src.ids().forEach(w::add);
            saveStaged(t, upload, w);
            t = tasks.find(t.id);
        }
        return t;
    }

    private Document toDocument(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = json.convertValue(node, Map.class);
        return new Document(map);
    }

    public record UploadResult(long accepted, long rejected, List<Reject> rejects) {
    }

    public record Reject(long line, String reason) {
    }

    /**
     * Streams an uploaded file into staging: {@code text/plain} one id a line, or {@code text/csv}
     * with an {@code id} column. Replaces an earlier upload.
     */
    public UploadResult upload(long id, InputStream body, boolean csv) throws IOException {
        Task t = tasks.get(Task.AUDIENCE, id);
        if (!"upload".equals(t.source.getString("kind"))) {
            throw ApiException.conflict("audience " + id + " is built from " + t.source.getString("kind")
                    + ", not from an upload");
        }
        if (t.taskState().running() || t.taskState() == TaskState.PAUSED) {
            throw ApiException.conflict("audience " + id + " is " + t.state + ": upload before starting it");
        }
        int upload = staging.nextUpload();
        AudienceStaging.Writer w = staging.writer(id, upload, t.shards);
        List<Reject> rejects = new ArrayList<>();
        long rejected;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            rejected = readUpload(in, csv, w, rejects);
        } catch (IOException | RuntimeException e) {
            // The client went away or a write failed: nothing of this attempt stays staged.
            w.discard();
            throw e;
        }
        saveStaged(t, upload, w);
        return new UploadResult(w.lines(), rejected, rejects);
    }

    /** Routes each valid id to the writer; answers how many lines were rejected (the first ones listed). */
    private static long readUpload(BufferedReader in, boolean csv, AudienceStaging.Writer w, List<Reject> rejects)
            throws IOException {
        long rejected = 0;
        long lineNo = 0;
        int idColumn = 0;
        String line;
        while ((line = readLine(in)) != null) {
            lineNo++;
            if (csv && lineNo == 1) {
                idColumn = csvIdColumn(line);
                continue;
            }
            String value = line.length() > MAX_LINE ? null : (csv ? csvField(line, idColumn) : line.strip());
            if (value != null && value.isEmpty()) {
                continue;
            }
            String reason = value == null ? "line is longer than " + MAX_LINE + " characters" : (MemberId.isValid(value) ? null : "member id " + MemberId.RULE);
            if (reason != null) {
                rejected++;
                if (rejects.size() < MAX_REPORTED_REJECTS) {
                    rejects.add(new Reject(lineNo, reason));
                }
                continue;
            }
            w.add(value);
        }
        return rejected;
    }

    /** Reads one line, giving up past MAX_LINE so a line without end cannot fill memory. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        boolean any = false;
        while ((c = in.read()) != -1) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (sb.length() <= MAX_LINE) {
                sb.append((char) c);
            }
        }
        if (!any) {
            return null;
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
        }
        return sb.toString();
    }

    private static int csvIdColumn(String header) {
        String[] cols = header.split(",", -1);
        for (int i = 0; i < cols.length; i++) {
            if (cols[i].strip().replace("\"", "").equalsIgnoreCase("id")) {
                return i;
            }
        }
        throw ApiException.badRequest("file", "the CSV header has no id column");
    }

    private static String csvField(String line, int column) {
        String[] cols = line.split(",", -1);
        return column < cols.length ? cols[column].strip().replace("\"", "") : "";
    }

    private void saveStaged(Task t, int upload, AudienceStaging.Writer w) {
        List<Integer> layout = w.finish();
        List<Integer> previous = t.staged;
        int previousUpload = t.stagedUpload;
        tasks.update(t.id, Updates.combine(Updates.set("staged", layout), Updates.set("stagedUpload", upload),
                Updates.set("stagedLines", w.lines()), Updates.set("progress.total", w.lines())));
        if (previous != null && previousUpload != upload) {
            staging.delete(t.id, previousUpload, previous);
        }
    }

    /** Checks an audience may be built and answers the number of members it will read. */
    public long startCheck(Task t) {
        Task user = Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("audienceId", t.id), Filters.gt("run", 0L))).first();
        if (user != null) {
            throw ApiException.conflict("audience " + t.id + " is used by campaign " + user.id
                    + ", which has run: build a new audience instead");
        }
        String kind = t.source.getString("kind");
        if (("ids".equals(kind) || "upload".equals(kind)) && t.staged == null) {
            throw ApiException.conflict("audience " + t.id + " has no ids yet: upload a file first");
        }
        if ("combine".equals(kind)) {
            return combinedSources(t).stream().mapToLong(src -> src.progress.sent).sum();
        }
        return "query".equals(kind) ? 0 : t.stagedLines;
    }

    /** The audiences a combine reads, each required to be built. */
    private List<Task> combinedSources(Task t) {
        List<Task> out = new ArrayList<>();
        for (Object o : (List<?>) t.source.get("audiences")) {
            Task source = tasks.find(((Number) o).longValue());
            if (source == null || source.taskState() != TaskState.FINISHED || source.layout == null) {
                throw ApiException.conflict("audience " + o + " must be finished before audience " + t.id
                        + " combines it");
            }
            out.add(source);
        }
        return out;
    }

    /**
     * A dry count: {@code members} selected of {@code read} read; {@code timedOut} when the count
     * ran out of time, and then {@code members} is a lower bound ("at least").
     */
    public record Count(long members, long read, boolean exact, boolean timedOut) {
        public Count(long members, long read, boolean exact) {
            this(members, read, exact, false);
        }

        static Count atLeast(long members) {
            return new Count(members, members, false, true);
        }
    }

    /** What the source would select now, without building. */
    public Count count(long id) {
        Task t = tasks.get(Task.AUDIENCE, id);
        String kind = t.source.getString("kind");
        switch (kind) {
            case "query" -> {
                return queryCount.count(MemberFilter.translate(t.source.get("filter", Document.class)));
            }
            case "combine" -> {
                return combinedCount(t);
            }
            default -> {
                if (t.staged == null) {
                    return new Count(0, 0, true);
                }
                long n = 0;
                for (int s = 0; s < t.shards; s++) {
                    n += new LinkedHashSet<>(staging.readShard(t.id, t.stagedUpload, s, t.staged.get(s))).size();
                }
                return new Count(n, t.stagedLines, true);
            }
        }
    }

    private Count combinedCount(Task t) {
        List<Task> sources = combinedSources(t);
        long n = 0;
        long read = 0;
        for (int s = 0; s < t.shards; s++) {
            List<List<String>> ids = new ArrayList<>();
            for (Task src : sources) {
                List<String> shardIds = chunks.readShard(src.id, s, src.layout.get(s));
                read += shardIds.size();
                ids.add(shardIds);
            }
            n += Combination.apply(t.source.getString("op"), ids).size();
        }
        return new Count(n, read, true);
    }

    /** What a source would select, before any audience exists: query, ids or combine. */
    public Count countSource(AudienceRequest.Source src) {
        switch (src.kind()) {
            case "query" -> {
                if (src.filter() == null || !src.filter().isObject()) {
                    throw ApiException.badRequest("source.filter", "must be an object of conditions on member attributes");
                }
                return queryCount.count(MemberFilter.translate(src.filter()));
            }
            case "ids" -> {
                List<String> ids = src.ids() == null ? List.of() : src.ids();
                return new Count(new java.util.HashSet<>(ids).size(), ids.size(), true);
            }
            case "combine" -> {
                Task draft = new Task();
                draft.id = 0L;
                draft.shards = Shards.DEFAULT_COUNT;
                draft.source = new Document("op", src.op()).append("audiences", src.audiences() == null ? List.of() : src.audiences());
                return combinedCount(draft);
            }
            default -> throw ApiException.badRequest("source.kind", "an upload is counted after its file is uploaded");
        }
    }

    public record MemberPage(List<String> members, String next) {
    }

    /** A built audience's members, paged by an opaque cursor {@code shard.chunk.index}. */
    public MemberPage members(long id, String after, int limit) {
        Task t = tasks.get(Task.AUDIENCE, id);
        if (t.layout == null) {
            throw ApiException.conflict("audience " + id + " is not built yet (state " + t.state + ")");
        }
        if (limit < 1 || limit > 10_000) {
            throw ApiException.badRequest("limit", "must be between 1 and 10000");
        }
        int s = 0;
        int k = 0;
        int i = 0;
        if (after != null && !after.isBlank()) {
            String[] parts = after.split("\\.");
            try {
                s = Integer.parseInt(parts[0]);
                k = Integer.parseInt(parts[1]);
                i = Integer.parseInt(parts[2]);
            } catch (RuntimeException e) {
                throw ApiException.badRequest("after", "is not a cursor this API gave");
            }
        }
        List<String> out = new ArrayList<>(limit);
        while (s < t.shards && out.size() < limit) {
            if (k >= t.layout.get(s)) {
                s++;
                k = 0;
                i = 0;
                continue;
            }
            List<String> ids = chunks.read(id, s, k);
            while (i < ids.size() && out.size() < limit) {
                out.add(ids.get(i++));
            }
            if (i >= ids.size()) {
                k++;
                i = 0;
            }
        }
        String next = s < t.shards ? s + "." + k + "." + i : null;
        return new MemberPage(out, next);
    }

    public void delete(long id) {
        Task t = tasks.get(Task.AUDIENCE, id);
        if (t.taskState().running() || t.taskState() == TaskState.PAUSED) {
            throw ApiException.conflict("audience " + id + " is " + t.state + ": stop it before deleting it");
        }
        Task user = Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("audienceId", id))).first();
        if (user != null) {
            throw ApiException.conflict("audience " + id + " is used by campaign " + user.id);
        }
        Task used = Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.AUDIENCE),
                Filters.eq("source.audiences", id))).first();
        if (used != null) {
            throw ApiException.conflict("audience " + id + " is combined into audience " + used.id);
        }
        chunks.delete(id, t.layout);
        if (t.staged != null) {
            staging.delete(id, t.stagedUpload, t.staged);
        }
        Task.<Task>mongoCollection().deleteOne(Filters.eq("_id", id));
    }
}
