package dev.push;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = MongoTestResource.class, restrictToAnnotatedClass = false)
class HealthTest {

    @Test
    void readyWithTheTestDatabase() {
        given().when().get("/q/health/ready")
            .then().statusCode(200)
            .body("status", equalTo("UP"))
            .body("checks.name", hasItem("MongoDB connection health check"));
    }
}
