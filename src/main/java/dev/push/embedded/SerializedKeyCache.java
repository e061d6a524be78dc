package dev.push.embedded;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The key type of the document maps, and the base of {@link StringFirstKeys}: H2's own order and format, with the cost
 * of comparing the keys H2 orders by serialization cut. H2 orders
 * a key it has no type for, such as an embedded-document id ({@code {c, s, k}} of a claim record, {@code {a, s, k}} of
 * an audience chunk), by Java-serializing both sides at every comparison: a lookup by such an id serialized about
 * 2 × log₂(n) documents (JFR of {@code bench/run caps}: 17 % of the service's samples). Here a search serializes the
 * id it looks for once, and each page's keys once while the page lives (a weak cache keyed by the page's key array,
 * which H2 replaces rather than changes: {@code Page.setKey} clones it). The bytes compared are the ones H2 compares,
 * so the order (and with it the natural order of unsorted answers) is unchanged, and so is the file.
 * <p>
 * A lookup searches one page a level of the tree, and a keyed find looks each id up twice (is it there, then the
 * document): each search serialized the sought id again, each time with a new {@code ObjectOutputStream} (JFR of
 * {@code bench/run caps}: a quarter of an uncapped campaign's samples). So the last id sought on a thread is kept with
 * its bytes and answered by identity; the ids sought are never changed (they come from a decoded command, or are the
 * stored keys, which {@link InPlaceUpdates} keeps unchanged).
 */
class SerializedKeyCache extends ObjectDataType {
    static final SerializedKeyCache INSTANCE = new SerializedKeyCache();

    /** Per page key array: each key as it was when serialized, and its bytes. */
    private record PageKeys(AtomicReferenceArray<Object> keys, AtomicReferenceArray<byte[]> bytes) {
    }

    private final Map<Object[], PageKeys> pages = Collections.synchronizedMap(new WeakHashMap<>());
    /** The last key a thread sought, and its bytes. */
    private final ThreadLocal<Sought> lastSought = new ThreadLocal<>();

    private record Sought(Object key, byte[] bytes) {
    }

    SerializedKeyCache() {
    }

    /** Whether this type orders {@code key} among the keys of its kind by H2's serialized comparison. */
    boolean serializedKind(Object key) {
        return key instanceof Document;
    }

    @Override
    public int binarySearch(Object key, Object storageObj, int size, int initialGuess) {
        if (!serializedKind(key)) {
            return super.binarySearch(key, storageObj, size, initialGuess);
        }
        Object[] storage = (Object[]) storageObj;
        byte[] sought = soughtBytes(key);
        PageKeys cached = pages.computeIfAbsent(storage,
            s -> new PageKeys(new AtomicReferenceArray<>(s.length), new AtomicReferenceArray<>(s.length)));
        int low = 0;
        int high = size - 1;
        // As H2's search: the guess is the cached index plus one (0: none yet).
        int x = initialGuess - 1;
        if (x < 0 || x > high) {
            x = high >>> 1;
        }
        while (low <= high) {
            int compare = compare(sought, key, storage[x], cached, x);
            if (compare > 0) {
                low = x + 1;
            } else if (compare < 0) {
                high = x - 1;
            } else {
                return x;
            }
            x = (low + high) >>> 1;
        }
        return ~low;
    }

    /** {@code key}'s bytes, serialized once for the searches of one lookup and of the lookups of the same id after it. */
    private byte[] soughtBytes(Object key) {
        Sought last = lastSought.get();
        if (last != null && last.key == key) {
            return last.bytes;
        }
        byte[] bytes = serialize(key);
        lastSought.set(new Sought(key, bytes));
        return bytes;
    }

    /** This type's comparison of a key of the serialized kind with a page's key {@code i}, its bytes serialized once. */
    private int compare(byte[] sought, Object key, Object stored, PageKeys cached, int i) {
        if (!serializedKind(stored) || i >= cached.keys.length()) {
            return compare(key, stored);
        }
        byte[] bytes = cached.keys.get(i) == stored ? cached.bytes.get(i) : null;
        if (bytes == null) {
            bytes = serialize(stored);
            cached.bytes.set(i, bytes);
            cached.keys.set(i, stored);
        }
        return compareNotNull(sought, bytes);
    }
}
