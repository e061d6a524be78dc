package dev.push.embedded;

import java.nio.ByteBuffer;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * The key type of the H2 unique indexes: keys of one string (every id and key Push writes) are ordered as strings, ahead
 * of all others; keys of one number (the index normalizes numbers to doubles, like the ids of sends) come next, ordered
 * as numbers; all others keep H2's order after them. H2's own type compares a key it does not know, like an index's {@link KeyValue},
 * by Java-serializing both sides at every comparison: that was the largest cost of a keyed insert or update (JFR of the
 * channel, cap and send benchmarks, docs/benchmarks.md). An index written under an older order is copied over once when
 * opened ({@link KeyedH2Backend}). A total order, consistent with {@link KeyValue#equals}: equal single strings, and
 * equal single doubles ({@link Double#compare}), are equal keys.
 * <p>
 * Keys of one string or one double are also written as such behind a tag of their own ({@link #ONE_STRING},
 * {@link #ONE_DOUBLE}), not Java-serialized:
 * H2 rewrites every key of a page it changed at each commit, and a new {@code ObjectOutputStream} per key was, after the
 * order, the next largest cost of keyed writes (JFR of {@code bench/run caps}). Other keys, and keys a file already holds,
 * are read and written as H2 does, and compared as H2 does with their bytes cached ({@link SerializedKeyCache}).
 */
final class StringFirstKeys extends SerializedKeyCache {
    static final StringFirstKeys INSTANCE = new StringFirstKeys();
    /** A tag {@link ObjectDataType} does not use (its tags are 0–19 and 32–119). */
    static final byte ONE_STRING = 125;
    static final byte ONE_DOUBLE = 126;

    private StringFirstKeys() {
    }

    /** The keys left to H2's order: compared by their serialized bytes, each page's serialized once ({@link SerializedKeyCache}). */
    @Override
    boolean serializedKind(Object key) {
        return key instanceof KeyValue && singleString(key) == null && singleDouble(key) == null;
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
        Double p = singleDouble(a);
        Double q = singleDouble(b);
        if (p != null && q != null) {
            return Double.compare(p, q);
        }
        if (p != null) {
            return -1;
        }
        if (q != null) {
            return 1;
        }
        return super.compare(a, b);
    }

    private static Double singleDouble(Object key) {
        return key instanceof KeyValue k && k.size() == 1 && k.get(0) instanceof Double d ? d : null;
    }

    private static String singleString(Object key) {
        return key instanceof KeyValue k && k.size() == 1 && k.get(0) instanceof String s ? s : null;
    }

    @Override
    public void write(WriteBuffer buff, Object key) {
        String s = singleString(key);
        if (s != null) {
            buff.put(ONE_STRING).putVarInt(s.length()).putStringData(s, s.length());
            return;
        }
        Double d = singleDouble(key);
        if (d != null) {
            buff.put(ONE_DOUBLE).putDouble(d);
            return;
        }
        super.write(buff, key);
    }

    @Override
    public Object read(ByteBuffer buff) {
        byte tag = buff.get(buff.position());
        if (tag == ONE_STRING) {
            buff.get();
            return new KeyValue(DataUtils.readString(buff, DataUtils.readVarInt(buff)));
        }
        if (tag == ONE_DOUBLE) {
            buff.get();
            return new KeyValue(buff.getDouble());
        }
        return super.read(buff);
    }
}
