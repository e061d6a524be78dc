package dev.push.embedded;

import java.nio.ByteBuffer;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * The key type of the H2 unique indexes: keys of one string (every id and key Push writes) are ordered as strings, ahead
 * of all others, which keep H2's order. H2's own type compares a key it does not know, like an index's {@link KeyValue},
 * by Java-serializing both sides at every comparison: that was the largest cost of a keyed insert or update (JFR of the
 * channel and cap benchmarks, docs/benchmarks.md). An index written under the old order is copied over once when opened
 * ({@link KeyedH2Backend}). A total order, consistent with {@link KeyValue#equals}: equal single strings are equal keys.
 * <p>
 * Keys of one string are also written as a string behind a tag of their own ({@link #ONE_STRING}), not Java-serialized:
 * H2 rewrites every key of a page it changed at each commit, and a new {@code ObjectOutputStream} per key was, after the
 * order, the next largest cost of keyed writes (JFR of {@code bench/run caps}). Other keys, and keys a file already holds,
 * are read and written as H2 does.
 */
final class StringFirstKeys extends ObjectDataType {
    static final StringFirstKeys INSTANCE = new StringFirstKeys();
    /** A tag {@link ObjectDataType} does not use (its tags are 0–19 and 32–119). */
    static final byte ONE_STRING = 125;

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

    @Override
    public void write(WriteBuffer buff, Object key) {
        String s = singleString(key);
        if (s == null) {
            super.write(buff, key);
            return;
        }
        buff.put(ONE_STRING).putVarInt(s.length()).putStringData(s, s.length());
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) != ONE_STRING) {
            return super.read(buff);
        }
        buff.get();
        return new KeyValue(DataUtils.readString(buff, DataUtils.readVarInt(buff)));
    }
}
