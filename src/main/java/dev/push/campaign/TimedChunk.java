package dev.push.campaign;

import org.bson.Document;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A chunk of a timed campaign ({@link DeliveryTiming}) arranged in the order its members fall due: first those skipped
 * because their local time had passed ({@code passed} of them), then those due at once, then one wave per release
 * instant and zone. Decided once, when the chunk is first claimed, and kept in its record ({@code order},
 * {@code passed}, {@code waves}: {@code {t: epoch second, 0 for at once; z: zone; to: end position}}), so every later
 * run and every worker taking over sends the same positions: the claim protocol's {@code reserved} and
 * {@code committed} only ever move forward along this order, wave after wave.
 */
record TimedChunk(List<String> order, int passed, List<Wave> waves) {
    record Wave(long at, String zone, int to) {
        Document toDocument() {
            return new Document("t", at).append("z", zone).append("to", to);
        }
    }

    /** The arrangement a chunk record keeps, or null for a record without one. */
    @SuppressWarnings("unchecked")
    static TimedChunk of(Document record) {
        if (record == null || !(record.get("order") instanceof List<?> order)) {
            return null;
        }
        List<Wave> waves = new ArrayList<>();
        for (Document w : (List<Document>) record.get("waves")) {
            waves.add(new Wave(((Number) w.get("t")).longValue(), w.getString("z"), w.getInteger("to")));
        }
        return new TimedChunk((List<String>) order, record.getInteger("passed", 0), waves);
    }

    /** Arranges {@code members} (audience order) whose own zones are {@code zones}, judged at {@code now}. */
    static TimedChunk arrange(DeliveryTiming timing, List<String> members, Map<String, String> zones, Instant firstStart,
                              Instant now) {
        record Placed(String member, int index, int group, long at, String zone) {
        }
        List<Placed> placed = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            String m = members.get(i);
            ZoneId z = timing.zoneOf(zones.get(m));
            DeliveryTiming.Due due = timing.due(z, firstStart, now);
            int group = due == null ? 1 : due.passed() ? 0 : 2;
            placed.add(new Placed(m, i, group, group == 2 ? due.at().getEpochSecond() : 0, group == 2 ? z.getId() : ""));
        }
        placed.sort(Comparator.comparingInt(Placed::group).thenComparingLong(Placed::at).thenComparing(Placed::zone)
                .thenComparingInt(Placed::index));
        List<String> order = new ArrayList<>(members.size());
        List<Wave> waves = new ArrayList<>();
        int passed = 0;
        for (Placed p : placed) {
            order.add(p.member());
            passed += p.group() == 0 ? 1 : 0;
            Wave last = waves.isEmpty() ? null : waves.get(waves.size() - 1);
            if (last != null && last.at() == p.at() && last.zone().equals(p.zone())) {
                waves.set(waves.size() - 1, new Wave(last.at(), last.zone(), order.size()));
            } else {
                waves.add(new Wave(p.at(), p.zone(), order.size()));
            }
        }
        return new TimedChunk(order, passed, waves);
    }

    /** The fields a new claim's record keeps. */
    Document toDocument() {
        List<Document> w = new ArrayList<>(waves.size());
        waves.forEach(x -> w.add(x.toDocument()));
        return new Document("order", order).append("passed", passed).append("waves", w);
    }

    /** Where the members due at {@code now} end: the end of the last wave released by then. */
    int dueBy(Instant now) {
        long s = now.getEpochSecond();
        int end = 0;
        for (Wave w : waves) {
            if (w.at() <= s) {
                end = w.to();
            }
        }
        return end;
    }

    /** The wave the member at {@code position} of {@link #order} is in; null past the end. */
    Wave waveOf(int position) {
        for (Wave w : waves) {
            if (position < w.to()) {
                return w;
            }
        }
        return null;
    }

    /** The waves still held from position {@code from} on: members per release instant and zone. */
    void heldFrom(int from, Map<List<Object>, Long> into) {
        int start = 0;
        for (Wave w : waves) {
            int held = w.to() - Math.max(start, from);
            if (held > 0) {
                into.merge(List.of(w.at(), w.zone()), (long) held, Long::sum);
            }
            start = w.to();
        }
    }
}
