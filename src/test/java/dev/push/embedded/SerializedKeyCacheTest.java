package dev.push.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The document maps' key type finds every key where H2's own type does: same order, same answers. */
class SerializedKeyCacheTest {
    private static final ObjectDataType STOCK = new ObjectDataType();

    /** Claim-record and chunk ids of several shapes, numbers of several types and signs, and plain ids beside them. */
    static List<Object> keys() {
        List<Object> keys = new ArrayList<>();
        for (long c = -2; c < 3; c++) {
            for (int s = 0; s < 4; s++) {
                for (int k = 0; k < 3; k++) {
                    keys.add(new Document("c", c).append("s", s).append("k", k));
                    keys.add(new Document("a", c).append("s", s).append("k", (long) k));
                }
            }
        }
        keys.add(new Document("t", 7L).append("r", "run-1").append("s", 0));
        keys.add(new Document("t", 7L).append("r", "run-10").append("s", 0));
        keys.add("m-1");
        keys.add("m-2");
        keys.add(42L);
        keys.add(3.5);
        return keys;
    }

    @Test
    void everyKeyPresentOrAbsentIsFoundAtTheIndexH2WouldAnswer() {
        List<Object> all = keys();
        List<Object> stored = new ArrayList<>();
        List<Object> absent = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 3 == 0 ? absent : stored).add(all.get(i));
        }
        Object[] page = stored.toArray();
        Arrays.sort(page, STOCK::compare);
        for (int round = 0; round < 2; round++) {
            // The second round answers from the bytes cached for this page.
            for (Object key : all) {
                for (int guess = 0; guess <= page.length; guess += 7) {
                    assertEquals(STOCK.binarySearch(key, page, page.length, guess),
                        SerializedKeyCache.INSTANCE.binarySearch(key, page, page.length, guess),
                        key + " with guess " + guess + (absent.contains(key) ? " (absent)" : ""));
                }
            }
        }
    }

    @Test
    void aPageWhoseKeysWereReplacedIsSearchedByItsNewKeys() {
        Object[] page = keys().stream().filter(k -> k instanceof Document).toArray();
        Arrays.sort(page, STOCK::compare);
        Object sought = page[5];
        assertEquals(5, SerializedKeyCache.INSTANCE.binarySearch(sought, page, page.length, 0));

        // H2 replaces a page's key array rather than change it; changed in place, the cache must still not answer old bytes.
        Object[] next = page;
        next[5] = new Document("c", 99L).append("s", 0).append("k", 0);
        Arrays.sort(next, STOCK::compare);
        for (Object key : next) {
            assertEquals(STOCK.binarySearch(key, next, next.length, 0),
                SerializedKeyCache.INSTANCE.binarySearch(key, next, next.length, 0), key.toString());
        }
        assertEquals(STOCK.binarySearch(sought, next, next.length, 0),
            SerializedKeyCache.INSTANCE.binarySearch(sought, next, next.length, 0), "a key no longer in the page");
    }

    @Test
    void compoundIndexKeysAreFoundWhereTheIndexOrderPutsThem() {
        List<Object> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(new KeyValue("member-" + i, (long) (i % 5)));
            all.add(new KeyValue(new Document("c", (long) i).append("s", i % 3)));
            all.add(new KeyValue("single-" + i));
            all.add(new KeyValue((double) i));
        }
        List<Object> stored = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 4 != 1) {
                stored.add(all.get(i));
            }
        }
        Object[] page = stored.toArray();
        Arrays.sort(page, StringFirstKeys.INSTANCE::compare);
        for (int round = 0; round < 2; round++) {
            for (Object key : all) {
                assertEquals(searchByCompare(key, page), StringFirstKeys.INSTANCE.binarySearch(key, page, page.length, 0), key.toString());
            }
        }
    }

    /** A plain binary search with the index order's own comparison, every key compared afresh. */
    private static int searchByCompare(Object key, Object[] page) {
        int low = 0;
        int high = page.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = StringFirstKeys.INSTANCE.compare(key, page[mid]);
            if (c > 0) {
                low = mid + 1;
            } else if (c < 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return ~low;
    }
}
