package dev.push.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.push.security.TestCredentials;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The training run's workload ({@link TrainingRun}) does each thing it stands for, counted by the service: a cache recorded
 * over a workload that failed half-way would train the JVM on error paths.
 */
@QuarkusTest
class TrainingWorkloadTest {

    private static final int MEMBERS = 2_000;

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyStepOfTheWorkloadDoesItsWorkOnItsOwnMembers() {
        ApiClient api = new ApiClient(base, TestCredentials.ADMIN_PASSWORD, "training-test", TrainingWorkload.TASK_LIMIT);
        TrainingWorkload.Summary done = new TrainingWorkload(api, "training-test", MEMBERS).run();

        assertEquals(new TrainingWorkload.Summary(
                MEMBERS,
                MEMBERS * 9 / 10,            // every tenth upload line repeats an id
                MEMBERS / 2,                 // visits >= 10 of 0..19
                MEMBERS / 4, MEMBERS / 4,    // two halves overlapping by a quarter
                List.of((long) MEMBERS / 2, (long) MEMBERS * 9 / 10),
                MEMBERS / 10,                // one triggered send per member of the first tenth
                MEMBERS / 10),               // each key again: answered with the first send, not sent again
                done);
    }
}
