package dev.push.api;

import dev.push.security.TestCredentials;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies read whole stop at push.api.max-json-body (4 MiB), however they are sent; the streamed
 * routes keep the server-wide limit; and the largest list the op API documents still fits.
 */
@QuarkusTest
class BodyLimitTest {
    @TestHTTPResource("/")
    URL base;

    long audiences() {
        return given().get("/api/audiences").then().statusCode(200).extract().jsonPath().getLong("total");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAsItIsRead() throws Exception {
        long before = audiences();
        byte[] body = ("{\"name\":\"" + "c".repeat(5 << 20) + "\",\"source\":{\"kind\":\"upload\"}}").getBytes(StandardCharsets.UTF_8);
        // A body from a stream has no Content-Length: the JDK client sends it in chunks.
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/audiences"))
                .header("Authorization", TestCredentials.basicHeader()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, answer.statusCode(), answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(answer.body().contains(BadInputTableTest.LIMIT), answer.body());
        assertEquals(before, audiences(), "no audience created");
    }

    @Test
    void aStreamedImportLargerThanTheJsonLimitIsImported() {
        String padding = "p".repeat(1_000);
        String lines = IntStream.range(0, 5_000)
                .mapToObj(i -> "{\"id\":\"big-import-" + i + "\",\"attributes\":{\"note\":\"" + padding + "\"}}")
                .collect(Collectors.joining("\n"));
        assertTrue(lines.length() > 5 << 20, "more than 5 MiB");
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("imported", org.hamcrest.Matchers.equalTo(5_000));
    }

    @Test
    void theOpApisLargestListFitsTheDefaultLimit() {
        // 100,000 mids (the op API's most), each the largest 64-bit id sent as a string: 2.2 MB.
        var mids = IntStream.range(0, 100_000).mapToObj(i -> String.valueOf(Long.MAX_VALUE - i)).toList();
        given().contentType(ContentType.JSON).body(Map.of("target_total", mids.size(), "worker_total", 1, "condition_kind", 1,
                        "condition", Map.of("mids", mids)))
                .post("/constraint/add").then().statusCode(200).body("ret", org.hamcrest.Matchers.equalTo(1))
                .body("data.constraint.target_total", org.hamcrest.Matchers.equalTo(100_000));
    }
}
