package dev.push.member;

import dev.push.api.ApiException;
import dev.push.consent.Consents;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A suppression list upload: one member id, or one address of a kind ({@code email}, {@code webhook}, {@code fcm},
 * {@code apns}), a line; each is opted out of everything. Streamed and written in batches of {@value #BATCH}; a bad
 * line is reported by its number and the rest is still suppressed.
 */
@ApplicationScoped
public class SuppressionList {
    public static final String IDS = "id";
    static final int BATCH = 1000;
    static final int MAX_LINE_BYTES = 8 * 1024;

    /** How many lines were suppressed, and the rejected ones (at most {@value MemberImport#MAX_REPORTED_REJECTIONS}). */
    public record Report(long suppressed, List<ImportReport.Rejection> rejected, long rejectedCount) {
    }

    private final Consents consents;

    public SuppressionList(Consents consents) {
        this.consents = consents;
    }

    public Report upload(String kind, InputStream body) {
        if (!IDS.equals(kind) && !Addresses.CHANNELS.contains(kind)) {
            throw ApiException.badRequest("kind", "must be id or an address kind (" + String.join(", ", Addresses.CHANNELS) + ")");
        }
        BoundedLines lines = new BoundedLines(body, MAX_LINE_BYTES, StandardCharsets.UTF_8);
        List<String> batch = new ArrayList<>(BATCH);
        List<ImportReport.Rejection> rejected = new ArrayList<>();
        long suppressed = 0;
        long rejectedCount = 0;
        for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
            String problem = line.problem();
            String entry = line.text() == null ? null : line.text().trim();
            if (problem == null && entry.isEmpty()) {
                continue;
            }
            if (problem == null) {
                problem = check(kind, entry);
            }
            if (problem != null) {
                if (rejected.size() < MemberImport.MAX_REPORTED_REJECTIONS) {
                    rejected.add(new ImportReport.Rejection(line.number(), problem));
                }
                rejectedCount++;
                continue;
            }
            batch.add(entry);
            if (batch.size() == BATCH) {
                suppressed += write(kind, batch);
            }
        }
        suppressed += write(kind, batch);
        return new Report(suppressed, rejected, rejectedCount);
    }

    private static String check(String kind, String entry) {
        if (IDS.equals(kind)) {
            return MemberId.isValid(entry) ? null : "id \"" + NdjsonMembers.shorten(entry) + "\" " + MemberId.RULE;
        }
        try {
            Addresses.check(kind, entry);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private int write(String kind, List<String> batch) {
        int n = batch.size();
        if (IDS.equals(kind)) {
            Map<String, Consents.OptOut> byMember = new LinkedHashMap<>();
            batch.forEach(id -> byMember.put(id, Consents.OptOut.EVERYTHING));
            consents.optOut(byMember);
        } else {
            consents.suppress(kind, batch);
        }
        batch.clear();
        return n;
    }
}
