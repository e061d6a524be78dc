package dev.push.member;

import dev.push.api.ApiException;
import dev.push.consent.Categories;
import dev.push.consent.Consents;
import dev.push.consent.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MemberImportTest {
    private final EmbeddedMongo mongo = new EmbeddedMongo();
    private final MemberStore store = new MemberStore(mongo.members);
    private final Consents consents = new Consents(mongo.database(), Clock.systemUTC());
    private final MemberImport memberImport = new MemberImport(store, consents, new Categories(List.of("promotions", "news", "account")),
            () -> 20, java.time.Clock.systemUTC());

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void ndjsonImportCreatesEachMemberWithAttributesAndAddresses() {
        ImportReport report = ndjson("""
                {"id": "u1", "attributes": {"country": "FR", "age": 31, "score": 2.5, "vip": true, "tags": ["a", 1], "none": null}, "addresses": {"email": "u1@example.org", "webhook": "https://h.example.org/u1", "fcm": "f1", "apns": "a1"}}
                {"id": "u2"}
                """);

        assertEquals(new ImportReport(2, 0, List.of(), 0), report);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("country", "FR");
        attributes.put("age", 31);
        attributes.put("score", 2.5);
        attributes.put("vip", true);
        attributes.put("tags", List.of("a", 1));
        attributes.put("none", null);
        Member u1 = store.find("u1").orElseThrow();
        assertEquals(attributes, u1.attributes());
        assertEquals(new Addresses("https://h.example.org/u1", "u1@example.org", "f1", "a1", null), u1.addresses());
        assertEquals(Map.of(), store.find("u2").orElseThrow().attributes());
    }

    @Test
    void reimportCountsExistingMembersAsUpdatedAndReplacesTheirProfile() {
        ndjson("{\"id\": \"u1\", \"attributes\": {\"a\": 1, \"b\": 2}}\n{\"id\": \"u2\"}\n");

        ImportReport report = ndjson("{\"id\": \"u1\", \"attributes\": {\"a\": 5}}\n{\"id\": \"u3\"}\n");

        assertEquals(new ImportReport(1, 1, List.of(), 0), report);
        assertEquals(Map.of("a", 5), store.find("u1").orElseThrow().attributes());
    }

    @Test
    void aRepeatedIdIsCreatedThenUpdatedAndTheLaterLineWins() {
        ImportReport report = ndjson("""
                {"id": "u1", "attributes": {"v": 1}}
                {"id": "u2"}
                {"id": "u1", "attributes": {"v": 2}}
                """);

        assertEquals(new ImportReport(2, 1, List.of(), 0), report);
        assertEquals(Map.of("v", 2), store.find("u1").orElseThrow().attributes());
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badNdjsonLines() {
        return Stream.of(
                arguments("{\"id\": \"u1\"", "bad JSON at column 12: Unexpected end-of-input: expected close marker for Object"),
                arguments("{\"id\": \"u1\", attributes: {}}", "bad JSON at column 14: Unexpected character ('a' (code 97)): was expecting double-quote to start field name"),
                arguments("[1, 2]", "a line must be a JSON object, found an array"),
                arguments("{\"attributes\": {}}", "missing id"),
                arguments("{\"id\": null}", "missing id"),
                arguments("{\"id\": true}", "id must be a string, found a boolean"),
                arguments("{\"id\": \"\"}", "id \"\" must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"),
                arguments("{\"id\": \"a b\"}", "id \"a b\" must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"),
                arguments("{\"id\": \"" + "x".repeat(129) + "\"}", "id \"" + "x".repeat(61) + "...\" must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"),
                arguments("{\"id\": \"u1\", \"adresses\": {}}", "unknown field \"adresses\" (allowed: id, attributes, addresses, devices, optOut, timezone)"),
                arguments("{\"id\": \"u1\", \"attributes\": [1]}", "attributes must be an object, found an array"),
                arguments("{\"id\": \"u1\", \"attributes\": {\"$where\": 1}}", "attribute name \"$where\" must be 1 to 64 characters from [A-Za-z0-9_-]"),
                arguments("{\"id\": \"u1\", \"attributes\": {\"a.b\": 1}}", "attribute name \"a.b\" must be 1 to 64 characters from [A-Za-z0-9_-]"),
                arguments("{\"id\": \"u1\", \"attributes\": {\"a\": {\"b\": 1}}}", "attribute a: must be a string, number, boolean, null or an array of those, found an object"),
                arguments("{\"id\": \"u1\", \"attributes\": {\"a\": [[1]]}}", "attribute a: an array may only hold strings, numbers, booleans and nulls, found an array in it"),
                arguments("{\"id\": \"u1\", \"attributes\": {\"a\": 123456789012345678901234567890}}", "attribute a: integer 123456789012345678901234567890 is out of the 64-bit range"),
                arguments("{\"id\": \"u1\", \"addresses\": {\"sms\": \"1\"}}", "unknown address \"sms\" (allowed: webhook, email, fcm, apns, webpush)"),
                arguments("{\"id\": \"u1\", \"addresses\": {\"email\": 5}}", "address email must be a string, found a number"),
                arguments("{\"id\": \"u1\", \"addresses\": {\"webhook\": \"ftp://x\"}}", "address webhook must be an http:// or https:// URL"),
                arguments("{\"id\": \"u1\", \"id\": \"u2\"}", "bad JSON at column 18: Duplicate field 'id'"),
                arguments("{\"id\": \"u1\"} {\"id\": \"u2\"}", "bad JSON: more than one value on the line"),
                arguments("{\"id\": \"u1\", \"optOut\": \"news\"}", "optOut must be an array of categories, found a string"),
                arguments("{\"id\": \"u1\", \"optOut\": [\"sales\"]}", "optOut \"sales\" is not a category (promotions, news, account) nor all"));
    }

    @ParameterizedTest
    @MethodSource("badNdjsonLines")
    void ndjsonImportRejectsABadLineWithItsReasonAndKeepsTheRest(String bad, String reason) {
        ImportReport report = ndjson("{\"id\": \"before\"}\n" + bad + "\n{\"id\": \"after\"}\n");

        assertEquals(new ImportReport(2, 0, List.of(new ImportReport.Rejection(2, reason)), 1), report);
        assertEquals(2, mongo.members.countDocuments());
    }

    @Test
    void integralNumericIdIsStoredAsItsDecimalText() {
        assertEquals(new ImportReport(1, 0, List.of(), 0), ndjson("{\"id\": 12345}\n"));
        assertEquals("12345", store.find("12345").orElseThrow().id());
    }

    @Test
    void blankLinesCrLfAndAByteOrderMarkAreAccepted() {
        ImportReport report = ndjson("\uFEFF{\"id\": \"u1\"}\r\n\r\n{\"id\": \"u2\"}");

        assertEquals(new ImportReport(2, 0, List.of(), 0), report);
    }

    @Test
    void lineLongerThanTheLimitIsRejectedAndTheNextLineImported() {
        String huge = "{\"id\": \"u1\", \"attributes\": {\"a\": \"" + "x".repeat(MemberImport.MAX_LINE_BYTES * 4) + "\"}}";

        ImportReport report = ndjson(huge + "\n{\"id\": \"u2\"}\n");

        assertEquals(new ImportReport(1, 0, List.of(new ImportReport.Rejection(1, "line is longer than 65536 bytes")), 1), report);
    }

    @Test
    void lineThatIsNotUtf8IsRejected() {
        byte[] bad = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] good = "{\"id\": \"u2\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(bad, bad.length + good.length);
        System.arraycopy(good, 0, body, bad.length, good.length);

        ImportReport report = memberImport.run(new ByteArrayInputStream(body), MemberImport.Format.NDJSON);

        assertEquals(new ImportReport(1, 0, List.of(new ImportReport.Rejection(1, "line is not valid UTF-8")), 1), report);
    }

    @Test
    void importOfManyBatchesStreamsAndCountsEveryMember() {
        int lines = 2 * MemberImport.BATCH + 500;
        InputStream body = generated(lines, i -> "{\"id\": \"m" + i + "\", \"attributes\": {\"i\": " + i + "}}\n");

        ImportReport report = memberImport.run(body, MemberImport.Format.NDJSON);

        assertEquals(new ImportReport(lines, 0, List.of(), 0), report);
        assertEquals(lines, mongo.members.countDocuments());
        assertEquals(Map.of("i", 2499), store.find("m2499").orElseThrow().attributes());
    }

    @Test
    void rejectedListIsCappedButEveryRejectionIsCounted() {
        int lines = MemberImport.MAX_REPORTED_REJECTIONS + 500;
        ImportReport report = memberImport.run(generated(lines, i -> "not json " + i + "\n"), MemberImport.Format.NDJSON);

        assertEquals(0, report.imported());
        assertEquals(lines, report.rejectedCount());
        assertEquals(MemberImport.MAX_REPORTED_REJECTIONS, report.rejected().size());
        assertEquals(1, report.rejected().get(0).line());
        assertEquals(MemberImport.MAX_REPORTED_REJECTIONS, report.rejected().get(MemberImport.MAX_REPORTED_REJECTIONS - 1).line());
    }

    @Test
    void csvImportTypesAttributeValuesAndLeavesEmptyFieldsAbsent() {
        ImportReport report = csv("""
                id,email,webhook,attr.age,attr.score,attr.vip,attr.zip,attr.city,attr.big
                u1,u1@example.org,https://h.example.org/1,31,2.5,true,01234,"Paris, FR",99999999999999999999
                u2,,,-7,1e3,false,75001,,3000000000
                """);

        assertEquals(new ImportReport(2, 0, List.of(), 0), report);
        Member u1 = store.find("u1").orElseThrow();
        Map<String, Object> u1Attributes = new LinkedHashMap<>();
        u1Attributes.put("age", 31);
        u1Attributes.put("score", 2.5);
        u1Attributes.put("vip", true);
        u1Attributes.put("zip", "01234");
        u1Attributes.put("city", "Paris, FR");
        u1Attributes.put("big", "99999999999999999999");
        assertEquals(u1Attributes, u1.attributes());
        assertEquals(new Addresses("https://h.example.org/1", "u1@example.org", null, null, null), u1.addresses());
        Member u2 = store.find("u2").orElseThrow();
        assertEquals(Map.of("age", -7, "score", 1000.0, "vip", false, "zip", 75001, "big", 3000000000L), u2.attributes());
        assertEquals(Addresses.NONE, u2.addresses());
    }

    @Test
    void csvImportRejectsLineWithBadIdAndKeepsTheRest() {
        ImportReport report = csv("""
                id,attr.n
                u1,1
                bad id!,2
                ,3
                u4,4,extra
                "u5,5
                "u6"x,6
                u7,7
                """);

        assertEquals(new ImportReport(2, 0, List.of(
                new ImportReport.Rejection(3, "id \"bad id!\" must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"),
                new ImportReport.Rejection(4, "missing id"),
                new ImportReport.Rejection(5, "has 3 fields, the header has 2"),
                new ImportReport.Rejection(6, "field 1 has an unterminated quote"),
                new ImportReport.Rejection(7, "field 1 has text after its closing quote")), 5), report);
        assertEquals(Map.of("n", 7), store.find("u7").orElseThrow().attributes());
    }

    @Test
    void csvSavedAsCsvUtf8ByASpreadsheetIsImported() {
        // What "CSV UTF-8" from a spreadsheet looks like: a byte-order mark before the header,
        // CRLF line ends, and fields quoted where they hold a comma or a quote (here all of the header).
        ImportReport report = csv("\uFEFF\"id\",\"email\",\"attr.city\"\r\n"
                + "u1,u1@example.org,\"Paris, FR\"\r\n"
                + "\"u2\",,\"say \"\"hi\"\"\"\r\n");

        assertEquals(new ImportReport(2, 0, List.of(), 0), report);
        assertEquals(Map.of("city", "Paris, FR"), store.find("u1").orElseThrow().attributes());
        assertEquals(new Addresses(null, "u1@example.org", null, null, null), store.find("u1").orElseThrow().addresses());
        assertEquals(Map.of("city", "say \"hi\""), store.find("u2").orElseThrow().attributes());
    }

    @Test
    void csvQuotedFieldsMayHoldCommasAndDoubledQuotes() {
        assertEquals(List.of("a,b", "say \"hi\"", "", "x"), CsvMembers.fields("\"a,b\",\"say \"\"hi\"\"\",,x"));
    }

    @Test
    void csvHeaderThatTheImportCannotUseRefusesTheWholeRequest() {
        assertEquals("header: the header row has no id column", csvRefusal("email,attr.a\nx@example.org,1\n"));
        assertEquals("header: unknown column \"phone\" (allowed: id, webhook, email, fcm, apns, webpush, attr.NAME, optOut, timezone)", csvRefusal("id,phone\n"));
        assertEquals("header: column \"attr.a.b\": attribute name must be 1 to 64 characters from [A-Za-z0-9_-]", csvRefusal("id,attr.a.b\n"));
        assertEquals("header: column \"id\" appears twice", csvRefusal("id,id\n"));
        assertEquals("header: the first line must be the header row", csvRefusal(""));
        assertEquals(0, mongo.members.countDocuments());
    }

    private String csvRefusal(String body) {
        ApiException e = assertThrows(ApiException.class, () -> csv(body));
        assertEquals(400, e.status);
        return e.getMessage();
    }

    @Test
    void ndjsonOptOutAddsToTheMembersOptOutsAndAReimportWithoutItKeepsThem() {
        ndjson("{\"id\": \"u1\", \"optOut\": [\"news\"]}\n{\"id\": \"u2\", \"optOut\": [\"all\"]}\n{\"id\": \"u3\"}\n");

        ImportReport again = ndjson("{\"id\": \"u1\", \"optOut\": [\"promotions\"]}\n{\"id\": \"u2\"}\n");

        assertEquals(new ImportReport(0, 2, List.of(), 0), again);
        assertEquals(new Preferences(List.of("news", "promotions"), false), consents.of("u1"));
        assertEquals(new Preferences(List.of(), true), consents.of("u2"));
        assertEquals(Preferences.NONE, consents.of("u3"));
    }

    @Test
    void csvOptOutColumnTakesCategoriesSeparatedBySemicolons() {
        ImportReport report = csv("id,email,optOut\nu1,u1@example.org,news;account\nu2,,\nu3,,sales\n");

        assertEquals(new ImportReport(2, 0, List.of(new ImportReport.Rejection(4,
                "optOut \"sales\" is not a category (promotions, news, account) nor all")), 1), report);
        assertEquals(new Preferences(List.of("news", "account"), false), consents.of("u1"));
        assertEquals(Preferences.NONE, consents.of("u2"));
    }

    private ImportReport ndjson(String body) {
        return memberImport.run(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), MemberImport.Format.NDJSON);
    }

    private ImportReport csv(String body) {
        return memberImport.run(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), MemberImport.Format.CSV);
    }

    /** A body produced line by line as it is read, never held whole. */
    private static InputStream generated(int lines, java.util.function.IntFunction<String> line) {
        return new InputStream() {
            private int next;
            private byte[] current = new byte[0];
            private int position;

            @Override
            public int read() {
                if (position == current.length) {
                    if (next == lines) {
                        return -1;
                    }
                    current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
                    position = 0;
                }
                return current[position++] & 0xff;
            }
        };
    }
}
