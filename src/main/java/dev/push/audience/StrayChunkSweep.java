package dev.push.audience;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a build finishes, the chunks beyond its final layout go: an attempt that did not finish (a
 * dead or fenced holder, a stopped run, an earlier run of a rebuilt audience) may have written a
 * shard further than the run that finished, when fewer members matched by then. Nobody reads them
 * (readers go by the layout) and nothing else would ever remove them.
 * <p>
 * Chunks are found by key, the only lookup the embedded store answers from an index: each shard's
 * keys past its layout are probed in windows, and a shard whose window holds none is done. Every
 * writer writes a shard's chunks in key order, so what lies beyond starts right at the layout; a
 * window covers the chunks a killed holder may have had in flight at once (a sealed batch per scan
 * part), the one way a shard's chunks could have a gap.
 */
@ApplicationScoped
class StrayChunkSweep {
    private static final Logger LOG = Logger.getLogger(StrayChunkSweep.class);
    /** Keys probed per round over all shards: one window each of at least {@value #MIN_WINDOW}. */
    static final int KEYS_PER_ROUND = 2 * QueryScan.MAX_PARTS * AudienceChunks.WRITE_BATCH;
    static final int MIN_WINDOW = 4;

    @Inject
    AudienceChunks chunks;

    /** Removes the audience's chunks beyond {@code layout} (chunks per shard); answers how many. */
    long sweep(long audience, List<Integer> layout) {
        int window = Math.max(MIN_WINDOW, KEYS_PER_ROUND / Math.max(1, layout.size()));
        Map<Integer, Integer> probeFrom = new HashMap<>();
        for (int s = 0; s < layout.size(); s++) {
            probeFrom.put(s, layout.get(s));
        }
        long removed = 0;
        while (!probeFrom.isEmpty()) {
            List<Document> keys = new ArrayList<>();
            probeFrom.forEach((s, from) -> {
                for (int k = from; k < from + window; k++) {
                    keys.add(AudienceChunks.key(audience, s, k));
                }
            });
            List<Document> found = chunks.existing(keys);
            chunks.delete(found);
            removed += found.size();
            Map<Integer, Integer> next = new HashMap<>();
            for (Document key : found) {
                next.merge(key.getInteger("s"), key.getInteger("k") + 1, Math::max);
            }
            probeFrom = next;
        }
        if (removed > 0) {
            LOG.infof("audience %d: removed %d chunks beyond its final layout", audience, removed);
        }
        return removed;
    }
}
