package dev.push.member;

import dev.push.api.ApiException;

import java.io.InputStream;
import java.util.List;

/**
 * A file of member ids, read with the member import's line reader ({@link BoundedLines}: {@code \n}
 * or {@code \r\n}, a UTF-8 byte-order mark dropped, a line longer than the limit skipped) and, for
 * CSV, its field splitter (quoted fields, doubled quotes): one id a line, or CSV whose header has an
 * {@code id} column (any case; other columns are ignored), as spreadsheets save it.
 */
public final class MemberIdFile {
    /** Where the ids of a file go. */
    public interface Reader {
        void id(String id);

        void rejected(long line, String reason);
    }

    private MemberIdFile() {
    }

    /**
     * Reads every line of {@code body}, in UTF-8: a valid id goes to {@code reader.id}, a blank line
     * or empty id field is skipped, anything else goes to {@code reader.rejected} with its line
     * number. A CSV header without an id column refuses the whole file.
     */
    public static void read(InputStream body, boolean csv, int maxLineBytes, Reader reader) {
        BoundedLines lines = new BoundedLines(body, maxLineBytes);
        int idColumn = -1;
        for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
            if (csv && line.number() == 1) {
                idColumn = idColumn(line);
                continue;
            }
            String value;
            try {
                value = line.problem() != null ? null : csv ? field(line.text(), idColumn) : line.text().strip();
            } catch (RejectedLine e) {
                reader.rejected(line.number(), e.getMessage());
                continue;
            }
            if (value == null) {
                reader.rejected(line.number(), line.problem());
            } else if (value.isEmpty()) {
                continue;
            } else if (MemberId.isValid(value)) {
                reader.id(value);
            } else {
                reader.rejected(line.number(), "member id " + MemberId.RULE);
            }
        }
    }

    private static int idColumn(BoundedLines.Line header) {
        if (header.problem() != null) {
            throw ApiException.badRequest("file", "the CSV header: " + header.problem());
        }
        List<String> names;
        try {
            names = CsvMembers.fields(header.text());
        } catch (RejectedLine e) {
            throw ApiException.badRequest("file", "the CSV header: " + e.getMessage());
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).strip().equalsIgnoreCase("id")) {
                return i;
            }
        }
        throw ApiException.badRequest("file", "the CSV header has no id column");
    }

    private static String field(String line, int column) {
        List<String> fields = CsvMembers.fields(line);
        return column < fields.size() ? fields.get(column).strip() : "";
    }
}
