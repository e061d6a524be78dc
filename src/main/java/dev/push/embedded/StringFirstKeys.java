package dev.push.embedded;

import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * The key type of the H2 unique indexes: keys of one string (every id and key Push writes) are ordered as strings, ahead
 * of all others, which keep H2's order. H2's own type compares a key it does not know, like an index's {@link KeyValue},
 * by Java-serializing both sides at every comparison: that was the largest cost of a keyed insert or update (JFR of the
 * channel and cap benchmarks, docs/benchmarks.md). Stored keys are written as before; only the order differs, so an
 * index written under the old order is copied over once when opened ({@link KeyedH2Backend}). A total order,
 * consistent with {@link KeyValue#equals}: equal single strings are equal keys.
 */
final class StringFirstKeys extends ObjectDataType {
    static final StringFirstKeys INSTANCE = new StringFirstKeys();

    private StringFirstKeys() {
    }

    @Override
    public int compare(Object a, Object b) {
        String x = singleString(a);
        String y = singleString(b);
        if (x != null && y != null) {
            return x.compareTo(y);
        }
        if (x != null) {
            return -1;
        }
        if (y != null) {
            return 1;
        }
        return super.compare(a, b);
    }

    private static String singleString(Object key) {
        return key instanceof KeyValue k && k.size() == 1 && k.get(0) instanceof String s ? s : null;
    }
}
