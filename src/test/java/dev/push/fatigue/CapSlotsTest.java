package dev.push.fatigue;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.push.storage.PushDatabase;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The cap ledger's protocol on the real embedded server: a write against a version that moved fails on the unique
 * {@code _id} and changes nothing, so of many writers racing for the last slot of the same members exactly one wins
 * each member.
 */
@QuarkusTest
class CapSlotsTest {
    static final CapPolicy ONE_A_DAY = new CapPolicy("account", "race", List.of(new CapPolicy.Limit(1, Duration.ofDays(1))));

    @Inject
    CapSlots slots;

    @Inject
    PushDatabase database;

    @Test
    void aWriteAgainstAVersionThatMovedFailsOnTheUniqueIdAndChangesNothing() {
        String key = "account:stale|slot-a-0";
        database.get(CapSlots.COLLECTION).insertOne(new Document("_id", key).append("v", 2L).append("at", List.of()));

        MongoBulkWriteException e = assertThrows(MongoBulkWriteException.class, () -> database.get(CapSlots.COLLECTION)
                .bulkWrite(List.of(new UpdateOneModel<>(new Document("_id", key).append("v", 1L),
                        Updates.combine(Updates.set("v", 2L), Updates.set("at", List.of(new java.util.Date()))),
                        new UpdateOptions().upsert(true)))));

        assertEquals(11000, e.getWriteErrors().get(0).getCode());
        assertEquals(0, e.getWriteErrors().get(0).getIndex());
        Document after = database.get(CapSlots.COLLECTION).find(new Document("_id", key)).first();
        assertEquals(2L, after.getLong("v"));
        assertEquals(List.of(), after.getList("at", java.util.Date.class));
    }

    @Test
    void ofEightWritersRacingForTheLastSlotOfTheSameMembersExactlyOneWinsEachMemberAndWritesOnce() throws Exception {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            members.add("slot-b-" + i);
        }
        Instant now = Instant.now();
        // Even members have a state already (a push two days ago, outside the window): they race on its version.
        for (int i = 0; i < members.size(); i += 2) {
            database.get(CapSlots.COLLECTION).insertOne(new Document("_id", CapSlots.key(ONE_A_DAY, members.get(i)))
                    .append("v", 5L).append("at", List.of(java.util.Date.from(now.minus(Duration.ofDays(2))))));
        }
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Set<String>>> capped = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                capped.add(pool.submit(() -> {
                    go.await();
                    return slots.take(ONE_A_DAY, members, false, now);
                }));
            }
            go.countDown();
            Map<String, Integer> wins = new HashMap<>();
            for (Future<Set<String>> f : capped) {
                Set<String> lost = f.get();
                members.stream().filter(m -> !lost.contains(m)).forEach(m -> wins.merge(m, 1, Integer::sum));
            }
            assertEquals(members.size(), wins.size(), "every member was won");
            assertEquals(List.of(), wins.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList(),
                    "no member was won twice");
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < members.size(); i++) {
            String m = members.get(i);
            Document state = database.get(CapSlots.COLLECTION).find(new Document("_id", CapSlots.key(ONE_A_DAY, m))).first();
            assertEquals(List.of(java.util.Date.from(now)), state.getList("at", java.util.Date.class), "one push, the old one pruned: " + m);
            assertEquals(i % 2 == 0 ? 6L : 1L, state.getLong("v"), "written once: " + m);
        }
    }
}
