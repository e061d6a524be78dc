package dev.push.member;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class MemberResourceTest {

    @Test
    void ndjsonImportAnswersCountsAndTheMemberCanBeRead() {
        given().contentType("application/x-ndjson")
                .body("""
                        {"id": "nd-1", "attributes": {"country": "FR", "age": 31, "tags": ["vip"]}, "addresses": {"email": "a@example.org", "fcm": "tok-1"}}
                        {"id": "nd-2"}
                        """.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/members/import")
                .then().statusCode(200)
                .contentType("application/json")
                .body("imported", equalTo(2))
                .body("updated", equalTo(0))
                .body("rejected", empty())
                .body("rejectedCount", equalTo(0));

        given().when().get("/api/members/nd-1")
                .then().statusCode(200)
                .body("id", equalTo("nd-1"))
                .body("attributes.country", equalTo("FR"))
                .body("attributes.age", equalTo(31))
                .body("attributes.tags[0]", equalTo("vip"))
                .body("addresses.email", equalTo("a@example.org"))
                .body("addresses.fcm", equalTo("tok-1"))
                .body("addresses.webhook", nullValue())
                .body("updatedAt", notNullValue());
    }

    @Test
    void reimportCountsExistingMembersAsUpdated() {
        String body = "{\"id\": \"re-1\"}\n{\"id\": \"re-2\"}\n";
        given().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8)).when().post("/api/members/import").then().statusCode(200);

        given().contentType("application/x-ndjson").body((body + "{\"id\": \"re-3\"}\n").getBytes(StandardCharsets.UTF_8))
                .when().post("/api/members/import")
                .then().statusCode(200)
                .body("imported", equalTo(1))
                .body("updated", equalTo(2));
    }

    @Test
    void csvImportTypesAttributeColumns() {
        given().contentType("text/csv; charset=utf-8")
                .body("id,email,attr.age,attr.vip,attr.zip,attr.city\ncsv-1,c@example.org,42,true,01234,Lyon\n")
                .when().post("/api/members/import")
                .then().statusCode(200)
                .body("imported", equalTo(1));

        given().when().get("/api/members/csv-1")
                .then().statusCode(200)
                .body("attributes.age", equalTo(42))
                .body("attributes.vip", equalTo(true))
                .body("attributes.zip", equalTo("01234"))
                .body("attributes.city", equalTo("Lyon"))
                .body("addresses.email", equalTo("c@example.org"));
    }

    @Test
    void csvImportRejectsBadLinesByNumberAndImportsTheRest() {
        given().contentType("text/csv; charset=UTF-8")
                .body("id,attr.n\nrj-1,1\nbad id,2\nrj-3,3,extra\nrj-4,4\n")
                .when().post("/api/members/import")
                .then().statusCode(200)
                .body("imported", equalTo(2))
                .body("rejectedCount", equalTo(2))
                .body("rejected[0].line", equalTo(3))
                .body("rejected[0].reason", equalTo("id \"bad id\" must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"))
                .body("rejected[1].line", equalTo(4))
                .body("rejected[1].reason", equalTo("has 3 fields, the header has 2"));

        given().when().get("/api/members/rj-4").then().statusCode(200).body("attributes.n", equalTo(4));
    }

    @Test
    void csvWithoutAnIdColumnIsABadRequest() {
        given().contentType("text/csv; charset=UTF-8")
                .body("email\nx@example.org\n")
                .when().post("/api/members/import")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("header"))
                .body("errors[0].message", equalTo("the header row has no id column"));
    }

    @Test
    void unknownMemberIsNotFound() {
        given().when().get("/api/members/nobody-here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", equalTo("member nobody-here does not exist"));
    }

    @Test
    void idOutsideTheCharsetIsABadRequest() {
        given().when().get("/api/members/bad%20id")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("id"))
                .body("errors[0].message", equalTo("must be 1 to 128 characters from [A-Za-z0-9_.:@+-]"));
    }

    @Test
    void unsupportedContentTypeIsRefusedWith415() {
        given().contentType("application/json")
                .body("[{\"id\": \"x\"}]")
                .when().post("/api/members/import")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void charsetThatCannotBeSplitIntoLinesIsRefusedWith415() {
        given().contentType("text/csv; charset=UTF-16")
                .body("id\nx\n".getBytes(StandardCharsets.UTF_16))
                .when().post("/api/members/import")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("detail", equalTo("charset UTF-16 is not supported (send UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 or windows-1252)"));
    }

    @Test
    void csvInWindows1252IsDecodedAsDeclared() {
        given().contentType("text/csv; charset=windows-1252")
                .body("id,attr.city\nw-1,Besan\u00e7on\n".getBytes(Charset.forName("windows-1252")))
                .when().post("/api/members/import")
                .then().statusCode(200)
                .body("imported", equalTo(1));

        given().when().get("/api/members/w-1").then().statusCode(200).body("attributes.city", equalTo("Besan\u00e7on"));
    }
}
