package dev.push.member;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An import's {@code optOut}: categories the member opted out of, or {@value #ALL} for everything. An import only adds
 * opt-outs (see {@link MemberImport}); a value that is neither a known category nor {@value #ALL} rejects the line.
 */
final class OptOutField {
    static final String NAME = "optOut";
    static final String ALL = "all";

    private OptOutField() {
    }

    static Set<String> read(Collection<String> values, Set<String> known) {
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            String v = value.trim();
            if (v.isEmpty()) {
                continue;
            }
            if (!v.equals(ALL) && !known.contains(v)) {
                throw new RejectedLine(NAME + " \"" + NdjsonMembers.shorten(v) + "\" is not a category ("
                        + String.join(", ", known) + ") nor " + ALL);
            }
            out.add(v);
        }
        return out;
    }
}
