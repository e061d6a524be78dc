package dev.push.member;

import dev.push.api.ApiException;
import dev.push.consent.Categories;
import dev.push.consent.Consents;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams an import file into the members collection: one line at a time, written in batches of
 * {@value #BATCH} with one bulk write, so memory stays flat whatever the file's size. A bad line
 * is reported by its number and the rest of the file is still imported.
 *
 * <p>Each member's profile is replaced whole (attributes and addresses not on the line are
 * removed): an import is the source of truth for the members it names. When an id appears more
 * than once, the later line wins. A line's {@code optOut} only adds to the member's opt-outs, which live apart from the
 * profile: a file never opts anyone back in (only {@code PUT /api/members/{id}/preferences} does).
 */
@ApplicationScoped
public class MemberImport {
    public static final int BATCH = 1000;
    public static final int MAX_LINE_BYTES = 64 * 1024;
    public static final int MAX_REPORTED_REJECTIONS = 1000;

    public enum Format { NDJSON, CSV }

    private final MemberStore store;
    private final Consents consents;
    private final Set<String> categories;
    private final DevicesConfig devices;
    private final java.time.Clock clock;

    public MemberImport(MemberStore store, Consents consents, Categories categories, DevicesConfig devices,
                        java.time.Clock clock) {
        this.store = store;
        this.consents = consents;
        this.categories = categories.known();
        this.devices = devices;
        this.clock = clock;
    }

    /**
     * Charsets an import may be sent in: those where a newline is the single byte 10, so lines can be
     * split before decoding. Spreadsheets often export CSV in windows-1252.
     */
    public static final Set<Charset> CHARSETS = Set.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII,
            StandardCharsets.ISO_8859_1, Charset.forName("ISO-8859-15"), Charset.forName("windows-1252"));

    public ImportReport run(InputStream body, Format format) {
        return run(body, format, StandardCharsets.UTF_8);
    }

    public ImportReport run(InputStream body, Format format, Charset charset) {
        if (!CHARSETS.contains(charset)) {
            throw new IllegalArgumentException("charset " + charset.name() + " cannot be split into lines byte by byte");
        }
        BoundedLines lines = new BoundedLines(body, MAX_LINE_BYTES, charset);
        Run run = new Run();
        MemberLines reader;
        if (format == Format.CSV) {
            BoundedLines.Line header = lines.next();
            if (header == null || header.text() == null || header.text().isBlank()) {
                throw ApiException.badRequest("header", header != null && header.problem() != null
                        ? header.problem() : "the first line must be the header row");
            }
            reader = new CsvMembers(header.text(), categories);
        } else {
            reader = new NdjsonMembers(categories, devices.maxPerMember(), clock);
        }
        for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.problem() != null) {
                run.reject(line.number(), line.problem());
                continue;
            }
            Member member;
            try {
                member = reader.read(line.text());
            } catch (RejectedLine e) {
                run.reject(line.number(), e.getMessage());
                continue;
            }
            if (member != null) {
                run.add(line.number(), member);
            }
        }
        run.flush();
        return new ImportReport(run.created, run.updated, run.rejections, run.rejectedCount);
    }

    private final class Run {
        final List<Member> batch = new ArrayList<>(BATCH);
        final List<Long> batchLines = new ArrayList<>(BATCH);
        final Set<String> batchIds = new HashSet<>();
        final List<ImportReport.Rejection> rejections = new ArrayList<>();
        long created;
        long updated;
        long rejectedCount;

        void add(long line, Member member) {
            // One bulk write must not touch a member twice (unordered writes may run in any order),
            // so a repeated id closes the batch and the later line is written after the earlier one.
            if (!batchIds.add(member.id())) {
                flush();
                batchIds.add(member.id());
            }
            batch.add(member);
            batchLines.add(line);
            if (batch.size() == BATCH) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            MemberStore.Replaced replaced = store.replaceAll(batch);
            created += replaced.created();
            updated += replaced.updated();
            Map<String, Consents.OptOut> optOuts = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                Member m = batch.get(i);
                if (!m.optOut().isEmpty() && !replaced.failures().containsKey(i)) {
                    boolean all = m.optOut().contains(OptOutField.ALL);
                    Set<String> of = new HashSet<>(m.optOut());
                    of.remove(OptOutField.ALL);
                    optOuts.put(m.id(), new Consents.OptOut(of, all));
                }
            }
            consents.optOut(optOuts);
            for (Map.Entry<Integer, String> failure : replaced.failures().entrySet()) {
                reject(batchLines.get(failure.getKey()), "the database refused the member: " + failure.getValue());
            }
            batch.clear();
            batchLines.clear();
            batchIds.clear();
        }

        void reject(long line, String reason) {
            rejectedCount++;
            if (rejections.size() < MAX_REPORTED_REJECTIONS) {
                rejections.add(new ImportReport.Rejection(line, reason));
            }
        }
    }
}
