package dev.push.embedded;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;

import dev.push.MongoTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An embedded H2 database served by this process whose store panics takes readiness and liveness down,
 * saying why; the application itself runs on the test database meanwhile.
 */
@QuarkusTest
@QuarkusTestResource(value = MongoTestResource.class, restrictToAnnotatedClass = false)
class EmbeddedDatabaseHealthTest {

    @Test
    void aPanickedStoreTakesReadinessAndLivenessDown() throws Exception {
        Path dir = Files.createTempDirectory("push-panic");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0))) {
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'embedded-database' }.status", equalTo("UP"));

            MVStore store = ((KeyedH2Backend) database.backend()).getMvStore();
            assertThrows(MVStoreException.class, () -> store.panic(
                    DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "simulated write failure")));

            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'embedded-database' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'embedded-database' }.data.reason", containsString("simulated write failure"));
            given().get("/q/health/live").then().statusCode(503)
                    .body("checks.find { it.name == 'embedded-database' }.status", equalTo("DOWN"));
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
