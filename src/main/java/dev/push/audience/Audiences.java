package dev.push.audience;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.push.api.ApiException;
import dev.push.member.MemberIdFile;
import dev.push.member.Shards;
import dev.push.task.SizedUnits;
import dev.push.task.Task;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Creating audiences, staging their ids, counting them and reading their members. */
@ApplicationScoped
public class Audiences {
    /** The longest line of an uploaded file, in bytes (a member id has at most 128 characters). */
    static final int MAX_LINE = 1024;
    static final int MAX_REPORTED_REJECTS = 100;

    @Inject
    Tasks tasks;

    @Inject
    AudienceStaging staging;

    @Inject
    AudienceChunks chunks;

    @Inject
    ObjectMapper json;

    @Inject
    QueryCount queryCount;

    public Task create(AudienceRequest req, String by) {
        AudienceSource source = AudienceSource.from(req.source(), json);
        Task t = new Task();
        t.kind = Task.AUDIENCE;
        t.name = req.name();
        t.workers = req.workers() == null ? 4 : req.workers();
        t.qps = req.qps() == null ? 0 : req.qps();
        t.shards = req.shards() == null ? Shards.DEFAULT_COUNT : req.shards();
        if (source instanceof AudienceSource.Combine combine) {
            for (int i = 0; i < combine.audiences().size(); i++) {
                Long id = combine.audiences().get(i);
                Task other = id == null ? null : tasks.find(id);
                if (other == null || !other.isAudience()) {
                    throw ApiException.badRequest("source.audiences[" + i + "]", "audience " + id + " does not exist");
                }
                if (other.shards != t.shards) {
                    throw ApiException.badRequest("source.audiences[" + i + "]", "audience " + id + " has "
                            + other.shards + " shards, this one " + t.shards + ": combine needs the same");
                }
            }
        }
        // A list is staged like an upload; the task keeps only its kind.
        t.source = source instanceof AudienceSource.Ids ? new AudienceSource.Ids(null).toDocument() : source.toDocument();
        tasks.create(t, by);
        if (source instanceof AudienceSource.Ids list) {
            int upload = staging.nextUpload();
            AudienceStaging.Writer w = staging.writer(t.id, upload, t.shards);
            list.ids().forEach(w::add);
            saveStaged(t, upload, w);
            t = tasks.find(t.id);
        }
        return t;
    }

    /**
     * A new audience with the same query as {@code audience}, built afresh (a recurring campaign's occurrence
     * rebuilds its audience from its query at that moment), made under the id {@code id} taken earlier, once: every
     * caller making it for the same decision gets the one audience of that id.
     */
    public Task rebuild(Task audience, long id, String name, String by) {
        if (!(AudienceSource.of(audience.source) instanceof AudienceSource.Query)) {
            throw ApiException.conflict("audience " + audience.id + " is not a query audience: only a query is rebuilt");
        }
        Task t = new Task();
        t.kind = Task.AUDIENCE;
        t.name = name;
        t.workers = audience.workers;
        t.qps = audience.qps;
        t.shards = audience.shards;
        t.source = audience.source;
        return tasks.createOnce(t, id, by) ? t : tasks.find(id);
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
        AudienceSource source = AudienceSource.of(t.source);
        if (!(source instanceof AudienceSource.Upload)) {
            throw ApiException.conflict("audience " + id + " is built from " + source.kind() + ", not from an upload");
        }
        if (t.taskState().running() || t.taskState() == TaskState.PAUSED) {
            throw ApiException.conflict("audience " + id + " is " + t.state + ": upload before starting it");
        }
        int upload = staging.nextUpload();
        AudienceStaging.Writer w = staging.writer(id, upload, t.shards);
        List<Reject> rejects = new ArrayList<>();
        long[] rejected = {0};
        try {
            MemberIdFile.read(body, csv, MAX_LINE, new MemberIdFile.Reader() {
                @Override
                public void id(String member) {
                    w.add(member);
                }

                @Override
                public void rejected(long line, String reason) {
                    rejected[0]++;
                    if (rejects.size() < MAX_REPORTED_REJECTS) {
                        rejects.add(new Reject(line, reason));
                    }
                }
            });
        } catch (RuntimeException e) {
            // The client went away or a write failed: nothing of this attempt stays staged.
            w.discard();
            if (e instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
        saveStaged(t, upload, w);
        return new UploadResult(w.lines(), rejected[0], rejects);
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

    /**
     * Checks an audience may be built and answers the number of members it will read; sizes the run's units to
     * them ({@link SizedUnits}; a query is scanned in one unit).
     */
    public long startCheck(Task t) {
        Task user = Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("audienceId", t.id), Filters.gt("run", 0L))).first();
        if (user != null) {
            throw ApiException.conflict("audience " + t.id + " is used by campaign " + user.id
                    + ", which has run: build a new audience instead");
        }
        AudienceSource source = AudienceSource.of(t.source);
        if (source.namesMembers() && t.staged == null) {
            throw ApiException.conflict("audience " + t.id + " has no ids yet: upload a file first");
        }
        if (source instanceof AudienceSource.Query) {
            t.units = 1;
            return 0;
        }
        long read = source instanceof AudienceSource.Combine combine
                ? combinedSources(t.id, combine).stream().mapToLong(src -> src.progress.sent).sum() : t.stagedLines;
        t.units = SizedUnits.count(read, SizedUnits.BUILD_IDS, t.workers, t.shards);
        return read;
    }

    /** The audiences a combine reads, each required to be built. */
    List<Task> combinedSources(long id, AudienceSource.Combine combine) {
        List<Task> out = new ArrayList<>();
        for (Long o : combine.audiences()) {
            Task source = o == null ? null : tasks.find(o);
            if (source == null || source.taskState() != TaskState.FINISHED || source.layout == null) {
                throw ApiException.conflict("audience " + o + " must be finished before audience " + id
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
        AudienceSource source = AudienceSource.of(t.source);
        if (source instanceof AudienceSource.Query query) {
            return queryCount.count(MemberFilter.translate(query.filter()));
        }
        if (source instanceof AudienceSource.Combine combine) {
            return combinedCount(t.id, t.shards, combine);
        }
        if (t.staged == null) {
            return new Count(0, 0, true);
        }
        long n = 0;
        for (int s = 0; s < t.shards; s++) {
            n += new LinkedHashSet<>(staging.readShard(t.id, t.stagedUpload, s, t.staged.get(s))).size();
        }
        return new Count(n, t.stagedLines, true);
    }

    private Count combinedCount(long id, int shards, AudienceSource.Combine combine) {
        List<Task> sources = combinedSources(id, combine);
        long n = 0;
        long read = 0;
        for (int s = 0; s < shards; s++) {
            List<List<String>> ids = new ArrayList<>();
            for (Task src : sources) {
                List<String> shardIds = chunks.readShard(src.id, s, src.layout.get(s));
                read += shardIds.size();
                ids.add(shardIds);
            }
            n += combine.op().apply(ids).size();
        }
        return new Count(n, read, true);
    }

    /** What a source would select, before any audience exists: query, ids or combine. */
    public Count countSource(AudienceRequest.Source src) {
        AudienceSource source = AudienceSource.draft(src, json);
        if (source instanceof AudienceSource.Query query) {
            return queryCount.count(MemberFilter.translate(query.filter()));
        }
        if (source instanceof AudienceSource.Ids list) {
            return new Count(new java.util.HashSet<>(list.ids()).size(), list.ids().size(), true);
        }
        if (source instanceof AudienceSource.Combine combine) {
            return combinedCount(0L, Shards.DEFAULT_COUNT, combine);
        }
        throw ApiException.badRequest("source.kind", "an upload is counted after its file is uploaded");
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
        if (!tasks.delete(t)) {
            throw ApiException.conflict("audience " + id + " changed meanwhile; try again");
        }
        chunks.delete(id, t.layout);
        if (t.staged != null) {
            staging.delete(id, t.stagedUpload, t.staged);
        }
    }
}
