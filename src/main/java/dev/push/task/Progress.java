package dev.push.task;

import org.bson.Document;

/** Counters of a task; for an audience, {@code sent} counts members added. */
public class Progress {
    public long total;
    public long processed;
    public long sent;
    public long failed;
    public long skipped;
    public long unknown;
    /** Campaign members not sent because the campaign expired first. */
    public long expired;
    /** Campaign members waiting for their local time or the end of their quiet hours (not processed yet). */
    public long held;

    public static Progress of(Document d) {
        Progress p = new Progress();
        if (d != null) {
            p.total = num(d, "total");
            p.processed = num(d, "processed");
            p.sent = num(d, "sent");
            p.failed = num(d, "failed");
            p.skipped = num(d, "skipped");
            p.unknown = num(d, "unknown");
            p.expired = num(d, "expired");
            p.held = num(d, "held");
        }
        return p;
    }

    public Progress withTotal(long total) {
        this.total = total;
        return this;
    }

    public void add(Progress o) {
        processed += o.processed;
        sent += o.sent;
        failed += o.failed;
        skipped += o.skipped;
        unknown += o.unknown;
        expired += o.expired;
        held += o.held;
    }

    public Document toDocument() {
        return new Document("total", total).append("processed", processed).append("sent", sent)
                .append("failed", failed).append("skipped", skipped).append("unknown", unknown)
                .append("expired", expired).append("held", held);
    }

    private static long num(Document d, String key) {
        Object v = d.get(key);
        return v instanceof Number n ? n.longValue() : 0L;
    }
}
