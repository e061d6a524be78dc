package dev.push.security;

import io.restassured.RestAssured;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class twice over (META-INF/services): as a JUnit extension (autodetection
 * is switched on by the surefire and failsafe configuration) for plain tests such as ClusterFaultIT,
 * and as a Quarkus callback for the {@code @QuarkusTest} classes, which run in Quarkus' class loader
 * with a RestAssured of their own.
 * REST-assured calls authenticate as the test admin unless a test says otherwise
 * ({@code given().auth().none()}, another user). The test profile and the harnesses that start the
 * packaged service set {@code push.admin.password} to {@link #ADMIN_PASSWORD}.
 */
public class TestCredentials implements BeforeAllCallback, QuarkusTestBeforeEachCallback {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "push-test-admin";

    @Override
    public void beforeAll(ExtensionContext context) {
        RestAssured.authentication = RestAssured.preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.authentication = RestAssured.preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    /** The value of an {@code Authorization} header for HTTP Basic as the test admin. */
    public static String basicHeader() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes());
    }
}
