package dev.push.member;

import dev.push.api.ApiException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CSV with a header row: {@code id}, address columns {@code email}, {@code webhook}, {@code fcm},
 * {@code apns}, {@code attr.NAME} columns, and {@code optOut} (categories separated by {@code ;}, see {@link OptOutField}). Fields may be quoted ({@code "a,b"}, {@code ""} for a
 * quote) but a record must fit on one line. An empty field means absent. Values of attribute
 * columns are typed: JSON-style numbers become numbers (integers that do not fit 64 bits, and
 * numbers with leading zeros such as zip codes, stay strings), {@code true}/{@code false} become
 * booleans, anything else is a string.
 */
final class CsvMembers implements MemberLines {
    static final String ATTRIBUTE_PREFIX = "attr.";
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

    private final List<String> columns;
    private final int idColumn;
    private final Set<String> categories;

    /** Reads the header row; a header the import cannot use refuses the whole request. */
    CsvMembers(String header, Set<String> categories) {
        this.categories = categories;
        List<String> names;
        try {
            names = fields(header);
        } catch (RejectedLine e) {
            throw ApiException.badRequest("header", e.getMessage());
        }
        Set<String> seen = new HashSet<>();
        int id = -1;
        columns = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim();
            if (!seen.add(name)) {
                throw ApiException.badRequest("header", "column \"" + NdjsonMembers.shorten(name) + "\" appears twice");
            }
            if (name.equals("id")) {
                id = i;
            } else if (name.startsWith(ATTRIBUTE_PREFIX)) {
                String attribute = name.substring(ATTRIBUTE_PREFIX.length());
                if (!Attributes.isValidName(attribute)) {
                    throw ApiException.badRequest("header", "column \"" + NdjsonMembers.shorten(name)
                            + "\": attribute name " + Attributes.NAME_RULE);
                }
            } else if (!Addresses.CHANNELS.contains(name) && !name.equals(OptOutField.NAME) && !name.equals(TimeZoneField.NAME)) {
                throw ApiException.badRequest("header", "unknown column \"" + NdjsonMembers.shorten(name)
                        + "\" (allowed: id, " + String.join(", ", Addresses.CHANNELS) + ", attr.NAME, optOut, timezone)");
            }
            columns.add(name);
        }
        if (id < 0) {
            throw ApiException.badRequest("header", "the header row has no id column");
        }
        idColumn = id;
    }

    @Override
    public Member read(String line) {
        if (line.isBlank()) {
            return null;
        }
        List<String> values = fields(line);
        if (values.size() != columns.size()) {
            throw new RejectedLine("has " + values.size() + " fields, the header has " + columns.size());
        }
        String id = values.get(idColumn);
        if (id.isEmpty()) {
            throw new RejectedLine("missing id");
        }
        if (!MemberId.isValid(id)) {
            throw new RejectedLine("id \"" + NdjsonMembers.shorten(id) + "\" " + MemberId.RULE);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        Addresses addresses = Addresses.NONE;
        Set<String> optOut = Set.of();
        String timezone = null;
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            String value = values.get(i);
            if (i == idColumn || value.isEmpty()) {
                continue;
            }
            if (column.startsWith(ATTRIBUTE_PREFIX)) {
                attributes.put(column.substring(ATTRIBUTE_PREFIX.length()), typed(value));
            } else if (column.equals(OptOutField.NAME)) {
                optOut = OptOutField.read(List.of(value.split(";")), categories);
            } else if (column.equals(TimeZoneField.NAME)) {
                timezone = TimeZoneField.read(value);
            } else {
                try {
                    addresses = Addresses.with(addresses, column, Addresses.check(column, value));
                } catch (IllegalArgumentException e) {
                    throw new RejectedLine(e.getMessage());
                }
            }
        }
        return new Member(id, attributes, addresses, timezone, null, optOut, null);
    }

    static Object typed(String value) {
        if (value.equals("true")) {
            return Boolean.TRUE;
        }
        if (value.equals("false")) {
            return Boolean.FALSE;
        }
        if (!NUMBER.matcher(value).matches()) {
            return value;
        }
        if (INTEGER.matcher(value).matches()) {
            try {
                return Attributes.integer(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return value; // 19 digits beyond the 64-bit range: keep every digit as text
            }
        }
        if (!value.contains(".") && !value.contains("e") && !value.contains("E")) {
            return value; // an integer with more than 19 digits
        }
        double d = Double.parseDouble(value);
        return Double.isInfinite(d) ? value : d;
    }

    /** Splits one CSV record; quoted fields may hold commas and doubled quotes. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new RejectedLine("field " + (fields.size() + 1) + " has an unterminated quote");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new RejectedLine("field " + (fields.size() + 1) + " has text after its closing quote");
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= n) {
                return fields;
            }
            i++; // the comma
        }
    }
}
