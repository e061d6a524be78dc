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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            List<java.util.Date> expected = i % 2 == 0 ? List.of(java.util.Date.from(now), java.util.Date.from(now.minus(Duration.ofDays(2))))
                    : List.of(java.util.Date.from(now));
            assertEquals(expected, state.getList("at", java.util.Date.class), "one push, newest first: " + m);
            assertEquals(i % 2 == 0 ? 6L : 1L, state.getLong("v"), "written once: " + m);
        }
    }

    @Test
    void theRuleWrittenAsTheUpsertsFilterCapsExactlyTheMembersTheRuleCaps() {
        // Two limits of the same max: the longer window holds.
        CapPolicy policy = new CapPolicy("account", "rule", List.of(new CapPolicy.Limit(2, Duration.ofHours(24)),
                new CapPolicy.Limit(5, Duration.ofDays(7)), new CapPolicy.Limit(2, Duration.ofHours(1))));
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        Random random = new Random(14);
        List<String> members = new ArrayList<>();
        Map<String, List<java.util.Date>> before = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            String m = "slot-c-" + i;
            members.add(m);
            List<java.util.Date> sent = new ArrayList<>();
            int pushes = random.nextInt(CapSlots.unpruned(policy) + 1);
            for (int p = 0; p < pushes; p++) {
                // Around the windows' edges: up to 9 days back, some exactly on an edge.
                long back = random.nextInt(4) == 0 ? List.of(24L * 3600, 7L * 24 * 3600, 3600L).get(random.nextInt(3))
                        : random.nextInt(9 * 24 * 3600);
                sent.add(java.util.Date.from(now.minusSeconds(back)));
            }
            sent.sort(java.util.Comparator.reverseOrder());
            before.put(m, sent);
            if (!sent.isEmpty() || i % 3 != 0) {
                database.get(CapSlots.COLLECTION).insertOne(new Document("_id", CapSlots.key(policy, m)).append("v", 1L).append("at", sent));
            }
        }

        Set<String> capped = slots.take(policy, members, false, now);

        List<String> expected = members.stream().filter(m -> !FrequencyCapped.allows(policy, before.get(m), now)).toList();
        assertEquals(expected, members.stream().filter(capped::contains).toList());
        for (String m : members) {
            Document state = database.get(CapSlots.COLLECTION).find(new Document("_id", CapSlots.key(policy, m))).first();
            List<java.util.Date> recorded = new ArrayList<>(state == null ? List.of() : state.getList("at", java.util.Date.class));
            if (!capped.contains(m)) {
                assertEquals(java.util.Date.from(now), recorded.remove(0), "the push taken is the newest: " + m);
            }
            assertEquals(before.get(m), recorded, "the earlier pushes, newest first, none dropped (a state is pruned only when read): " + m);
        }
        assertTrue(capped.size() > 50 && capped.size() < 350, "both outcomes are exercised: " + capped.size());
    }

    @Test
    void aStateHoldingMoreThanItsUnprunedPushesIsReadAndKeepsOnlyTheLongestWindow() {
        CapPolicy policy = new CapPolicy("account", "prune", List.of(new CapPolicy.Limit(1, Duration.ofDays(1))));
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        int unpruned = CapSlots.unpruned(policy);
        List<java.util.Date> full = new ArrayList<>();
        for (int i = 0; i <= unpruned; i++) {
            full.add(java.util.Date.from(now.minus(Duration.ofDays(2 + i))));
        }
        database.get(CapSlots.COLLECTION).insertOne(new Document("_id", CapSlots.key(policy, "slot-d-full")).append("v", 3L).append("at", full));
        database.get(CapSlots.COLLECTION).insertOne(new Document("_id", CapSlots.key(policy, "slot-d-room"))
                .append("v", 3L).append("at", full.subList(0, unpruned)));

        assertEquals(Set.of(), slots.take(policy, List.of("slot-d-full", "slot-d-room"), false, now));

        Document pruned = database.get(CapSlots.COLLECTION).find(new Document("_id", CapSlots.key(policy, "slot-d-full"))).first();
        assertEquals(List.of(java.util.Date.from(now)), pruned.getList("at", java.util.Date.class));
        assertEquals(4L, pruned.getLong("v"));
        Document kept = database.get(CapSlots.COLLECTION).find(new Document("_id", CapSlots.key(policy, "slot-d-room"))).first();
        assertEquals(unpruned + 1, kept.getList("at", java.util.Date.class).size(), "written without being read: nothing dropped");
        assertEquals(4L, kept.getLong("v"));
    }
}
