package dev.push.audience;

import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a query scan stands, as its unit records it ({@code scan} in the unit document) at each
 * checkpoint: the member-id ranges it reads, fixed by the first attempt so that a take-over reads
 * the same ones, and the last id staged in each; per shard the chunks written whole ({@code next})
 * and the ids in the shard's open chunk ({@code fill}), which is written too; the members staged
 * so far; and how many of them the current holder found staged when it took the unit
 * ({@code resumedFrom}, 0 for a scan that started from the beginning).
 */
record ScanCheckpoint(List<QueryScan.Part> parts, List<Integer> next, List<Integer> fill, long matched,
                      long resumedFrom) {

    /** The checkpoint a unit holds, or null when its scan has not recorded one. */
    static ScanCheckpoint of(Document scan) {
        if (scan == null) {
            return null;
        }
        List<QueryScan.Part> parts = new ArrayList<>();
        for (Document p : scan.getList("parts", Document.class)) {
            parts.add(new QueryScan.Part(p.getString("from"), p.getString("to"), p.getString("last"),
                    p.getBoolean("done", false)));
        }
        return new ScanCheckpoint(parts, scan.getList("next", Integer.class), scan.getList("fill", Integer.class),
                ((Number) scan.get("matched")).longValue(), ((Number) scan.get("resumedFrom")).longValue());
    }

    Document toDocument() {
        List<Document> ranges = new ArrayList<>();
        for (QueryScan.Part p : parts) {
            ranges.add(new Document("from", p.from).append("to", p.to).append("last", p.last).append("done", p.done));
        }
        return new Document("parts", ranges).append("next", next).append("fill", fill).append("matched", matched)
                .append("resumedFrom", resumedFrom);
    }
}
