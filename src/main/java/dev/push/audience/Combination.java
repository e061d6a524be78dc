package dev.push.audience;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The set operations of a combined audience, applied to one shard's ids at a time. */
final class Combination {
    private Combination() {
    }

    /** union: all; intersect: in every source; exclude: in the first and none of the others. */
    static Set<String> apply(String op, List<List<String>> sources) {
        Set<String> result = null;
        for (List<String> ids : sources) {
            if (result == null) {
                result = new LinkedHashSet<>(ids);
            } else if ("union".equals(op)) {
                result.addAll(ids);
            } else if ("intersect".equals(op)) {
                result.retainAll(new HashSet<>(ids));
            } else {
                ids.forEach(result::remove);
            }
        }
        return result == null ? new LinkedHashSet<>() : result;
    }
}
