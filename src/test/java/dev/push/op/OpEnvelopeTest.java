package dev.push.op;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every route answers a bad body or a bad id with ret 3 and a detail, never an HTTP error. */
@QuarkusTest
class OpEnvelopeTest {
    @ParameterizedTest
    @ValueSource(strings = {"/constraint/add", "/constraint/load_from_file", "/constraint/get", "/constraint/list",
            "/constraint/update", "/constraint/start", "/constraint/pause", "/constraint/proceed", "/constraint/stop",
            "/project/add", "/project/get", "/project/list", "/project/update", "/project/start", "/project/pause",
            "/project/proceed", "/project/stop", "/target/get", "/target/list", "/target/list_by_cid", "/target/delete"})
    void malformedBodyIsABadParameter(String route) {
        assertEquals("body is not valid JSON: Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])",
                Op.refusal(route, Op.raw(route, "{\"id\": 1")));
        assertEquals("body must be a JSON object", Op.refusal(route, Op.raw(route, "[1, 2]")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/constraint/get", "/constraint/update", "/constraint/start", "/constraint/pause",
            "/constraint/proceed", "/constraint/stop", "/project/get", "/project/update", "/project/start",
            "/project/pause", "/project/proceed", "/project/stop"})
    void idMustBeAPositiveIntegerOfAnExistingObject(String route) {
        String what = route.substring(1, route.indexOf('/', 1));
        assertEquals("id: is required (a positive integer)", Op.refused(route, Map.of()));
        assertEquals("id: is required (a positive integer)", Op.raw(route, "").getString("detail"));
        assertEquals("id: must be a positive integer, was 0", Op.refused(route, Map.of("id", 0)));
        assertEquals("id: must be a positive integer, was -4", Op.refused(route, Map.of("id", -4)));
        assertEquals("id: must be an integer", Op.refused(route, Map.of("id", "seven")));
        assertEquals("id: must be an integer", Op.refused(route, Map.of("id", 1.5)));
        assertEquals("id: must be a positive integer, was 9223372036854775808",
                Op.refusal(route, Op.raw(route, "{\"id\": 9223372036854775808}")));
        assertEquals(what + " 9223372036854775807 does not exist", Op.refused(route, Map.of("id", Long.MAX_VALUE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/constraint/list", "/project/list", "/target/list"})
    void pagingParametersAreChecked(String route) {
        assertEquals("offset: must be an integer of at least 0, was -1", Op.refused(route, Map.of("offset", -1)));
        assertEquals("limit: must be an integer from 1 to 500, was 0", Op.refused(route, Map.of("limit", 0)));
        assertEquals("limit: must be an integer from 1 to 500, was 501", Op.refused(route, Map.of("limit", 501)));
    }
}
