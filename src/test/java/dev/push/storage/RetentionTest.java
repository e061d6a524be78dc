package dev.push.storage;

import com.mongodb.client.model.Filters;
import dev.push.MongoTestResource;
import dev.push.task.Task;
import dev.push.task.TaskUnits;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What would otherwise grow forever goes once its retention is over, and only that. */
@QuarkusTest
@QuarkusTestResource(value = MongoTestResource.class, restrictToAnnotatedClass = false)
class RetentionTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @Inject
    RetentionSweep sweep;

    @Inject
    PushDatabase database;

    @Inject
    Tasks tasks;

    private final Date now = new Date();

    private List<Object> ids(String collection, List<?> candidates) {
        List<Object> out = new ArrayList<>();
        for (Object id : candidates) {
            if (database.get(collection).find(Filters.eq("_id", id)).first() != null) {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    void instancesAndWorkerSlotsSilentForAnHourGo() {
        database.get("instances").insertMany(List.of(new Document("_id", "ret-dead").append("heartbeat", now.getTime() - 2 * HOUR),
                new Document("_id", "ret-quiet").append("heartbeat", now.getTime() - HOUR + 60_000)));
        database.get("workers").insertMany(List.of(new Document("_id", "990001:0").append("heartbeat", now.getTime() - 2 * HOUR),
                new Document("_id", "990001:1").append("heartbeat", now.getTime() - 60_000)));

        sweep.sweep(now);

        assertEquals(List.of("ret-quiet"), ids("instances", List.of("ret-dead", "ret-quiet")));
        assertEquals(List.of("990001:1"), ids("workers", List.of("990001:0", "990001:1")));
    }

    @Test
    void sessionsGoOnceTheirCookieCannotBeValidAndAuditEntriesAfterTheirRetention() {
        // The test profile's form timeout is 8 h; seen is written every 10 min, so 8 h 10 min unseen is over.
        long over = Duration.ofHours(8).plusMinutes(11).toMillis();
        long notYet = Duration.ofHours(8).plusMinutes(9).toMillis();
        database.get("sessions").insertMany(List.of(new Document("_id", "ret-s-over").append("seen", new Date(now.getTime() - over)),
                new Document("_id", "ret-s-open").append("seen", new Date(now.getTime() - notYet))));
        long day = Duration.ofDays(1).toMillis();
        database.get("audit").insertMany(List.of(new Document("_id", "ret-a-old").append("at", new Date(now.getTime() - 401 * day)),
                new Document("_id", "ret-a-kept").append("at", new Date(now.getTime() - 399 * day))));

        sweep.sweep(now);

        assertEquals(List.of("ret-s-open"), ids("sessions", List.of("ret-s-over", "ret-s-open")));
        assertEquals(List.of("ret-a-kept"), ids("audit", List.of("ret-a-old", "ret-a-kept")));
    }

    @Test
    void unitsOfEarlierRunsGoAndTheCurrentRunsStay() {
        long task = 990_002;
        long other = 990_003;
        database.get("tasks").insertMany(List.of(new Document("_id", task).append("kind", "retention-test").append("run", 3L),
                new Document("_id", other).append("kind", "retention-test").append("run", 2L)));
        List<Document> units = List.of(TaskUnits.key(task, 1, 0), TaskUnits.key(task, 2, 0), TaskUnits.key(task, 2, 1),
                TaskUnits.key(task, 3, 0), TaskUnits.key(task, 3, 1), TaskUnits.key(other, 2, 0), TaskUnits.key(other, 1, 7));
        units.forEach(k -> database.get(PushDatabase.TASK_SHARDS).insertOne(new Document("_id", k).append("done", true)));
        try {
            sweep.sweep(now);

            assertEquals(List.of(TaskUnits.key(task, 3, 0), TaskUnits.key(task, 3, 1), TaskUnits.key(other, 2, 0)),
                    ids(PushDatabase.TASK_SHARDS, units));
            sweep.sweep(now);
            assertEquals(3, ids(PushDatabase.TASK_SHARDS, units).size(), "a second sweep removes nothing more");
        } finally {
            database.get("tasks").deleteMany(Filters.in("_id", task, other));
        }
    }

    @Test
    void aTaskKeepsItsLatestHundredHistoryEntries() {
        Task t = new Task();
        t.kind = "retention-test";
        t.name = "flapping";
        tasks.create(t, "test");
        try {
            for (int i = 0; i < 150; i++) {
                tasks.move(t, TaskState.READY, TaskState.READY, "test", "move " + i, null);
            }
            Task after = tasks.find(t.id);
            assertEquals(Tasks.HISTORY_KEPT, after.history.size());
            assertEquals("move 50", after.history.get(0).reason);
            assertEquals("move 149", after.history.get(Tasks.HISTORY_KEPT - 1).reason);
        } finally {
            database.get("tasks").deleteOne(Filters.eq("_id", t.id));
        }
    }
}
