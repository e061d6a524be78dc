package dev.push.storage;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.push.campaign.CampaignChunks;
import dev.push.channel.Outcome;
import dev.push.task.TaskUnits;
import dev.push.task.TaskState;
import dev.push.task.Tasks;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the service needs of its store, written once against the MongoDB driver and run against
 * every store it may use (after JobRunr's {@code StorageProviderTest}): the claim protocol of
 * {@code campaign_chunks}, the leases of {@code task_shards}, the compare-and-set state moves of
 * {@code tasks}, and lookups by key. Each test drives the production class that issues the writes
 * ({@link CampaignChunks}, {@link TaskUnits}, {@link Tasks#move}, {@link PushDatabase}) on a
 * database of its own; a subclass names the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
    private static final java.util.function.Predicate<Document> NO_LEASE_VOID = unit -> false;

    private static final int RACERS = 8;

    private MongoClient client;
    private ExecutorService pool;
    private String databaseName;
    PushDatabase database;
    CampaignChunks chunks;
    TaskUnits units;

    /** Starts the store under test (once per class) and answers its connection string. */
    abstract String startStore() throws Exception;

    /** Stops what {@link #startStore()} started. */
    abstract void stopStore() throws Exception;

    @BeforeAll
    void connect() throws Exception {
        client = MongoClients.create(startStore());
        pool = Executors.newFixedThreadPool(RACERS);
    }

    @AfterAll
    void disconnect() throws Exception {
        pool.shutdownNow();
        client.close();
        stopStore();
    }

    @BeforeEach
    void freshDatabase() {
        databaseName = "contract-" + UUID.randomUUID();
        database = new PushDatabase(client, databaseName);
        chunks = new CampaignChunks(database);
        units = new TaskUnits(database, Clock.systemUTC());
    }

    @AfterEach
    void dropDatabase() {
        client.getDatabase(databaseName).drop();
    }

    /** Runs {@code action} on {@value #RACERS} threads released at once, answering each result. */
    private <T> List<T> race(Callable<T> action) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return action.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    private static List<String> members(int n) {
        return IntStream.range(0, n).mapToObj(i -> "m-" + i).toList();
    }

    // The claim protocol (campaign_chunks)

    @Test
    void aFirstClaimInsertsTheChunkRecordOwnedByTheClaimer() {
        Document claimed = chunks.claim(1, 0, 0, "w1", members(5));

        Document stored = chunks.find(1, 0, 0);
        assertEquals(claimed, stored);
        assertEquals("w1", stored.getString("owner"));
        assertEquals(List.of(5, 0, 0, 0), List.of(stored.getInteger("size"), stored.getInteger("reserved"),
                stored.getInteger("committed"), stored.getInteger("nUnknown")));
    }

    @Test
    void ofConcurrentInsertsOfOneChunkKeyExactlyOneSucceedsAndTheOthersAreDuplicateKeys() throws Exception {
        MongoCollection<Document> coll = database.get(PushDatabase.CAMPAIGN_CHUNKS);
        List<Integer> codes = race(() -> {
            try {
                coll.insertOne(new Document("_id", CampaignChunks.key(1, 0, 0)).append("owner", Thread.currentThread().getName()));
                return 0;
            } catch (MongoWriteException e) {
                return e.getError().getCode();
            }
        });

        assertEquals(1, codes.stream().filter(c -> c == 0).count(), codes.toString());
        assertEquals(RACERS - 1, codes.stream().filter(c -> c == 11000).count(), codes.toString());
        assertEquals(1, coll.countDocuments());
    }

    @Test
    void theHolderClaimingAgainGetsItsRecordAsItStands() {
        Document key = CampaignChunks.key(1, 0, 0);
        chunks.claim(1, 0, 0, "w1", members(5));
        assertTrue(chunks.reserve(key, "w1", 0, 2));

        Document again = chunks.claim(1, 0, 0, "w1", members(5));

        assertEquals("w1", again.getString("owner"));
        assertEquals(2, again.getInteger("reserved"));
        assertEquals(0, again.getInteger("nUnknown"));
    }

    @Test
    void aTakeOverMarksTheReservedButUncommittedMembersUnknownAndContinuesAfterThem() {
        Document key = CampaignChunks.key(1, 0, 0);
        List<String> ids = members(10);
        chunks.claim(1, 0, 0, "w1", ids);
        assertTrue(chunks.reserve(key, "w1", 0, 3));
        assertTrue(chunks.commit(key, "w1", 0, 3, List.of(Outcome.sent("m-0"), Outcome.sent("m-1"), Outcome.sent("m-2"))));
        assertTrue(chunks.reserve(key, "w1", 3, 7));

        Document taken = chunks.claim(1, 0, 0, "w2", ids);

        assertEquals("w2", taken.getString("owner"));
        assertEquals(7, taken.getInteger("committed"));
        assertEquals(7, taken.getInteger("reserved"));
        assertEquals(List.of("m-3", "m-4", "m-5", "m-6"), taken.getList("unknown", String.class));
        assertEquals(4, taken.getInteger("nUnknown"));
        assertEquals(3, taken.getInteger("nSent"));
    }

    @Test
    void smallChunksClaimedTogetherAreEachReservedWholeAndATakeOverMarksThemAllUnknown() {
        List<Document> keys = List.of(CampaignChunks.key(1, 0, 0), CampaignChunks.key(1, 1, 0));

        assertTrue(chunks.claimWhole(keys, "w1", List.of(members(3), members(2))));
        Document second = chunks.claim(1, 1, 0, "w2", members(2));

        assertEquals(List.of(3, 0, "w1"), List.of(chunks.find(1, 0, 0).getInteger("reserved"),
                chunks.find(1, 0, 0).getInteger("committed"), chunks.find(1, 0, 0).getString("owner")));
        assertEquals(List.of("m-0", "m-1"), second.getList("unknown", String.class));
        assertEquals(List.of(2, 2, 2), List.of(second.getInteger("reserved"), second.getInteger("committed"),
                second.getInteger("nUnknown")));
    }

    @Test
    void chunksClaimedTogetherAreCommittedTogetherOnlyWhileTheClaimerHoldsEveryOne() {
        List<Document> keys = List.of(CampaignChunks.key(1, 0, 0), CampaignChunks.key(1, 1, 0));
        List<List<Outcome>> outcomes = List.of(List.of(Outcome.sent("m-0")), List.of(Outcome.sent("m-0"), Outcome.sent("m-1")));
        chunks.claimWhole(keys, "w1", List.of(members(1), members(2)));

        assertTrue(chunks.commitWhole(keys, "w1", List.of(1, 2), outcomes));
        assertFalse(chunks.commitWhole(keys, "w1", List.of(1, 2), outcomes), "a repeat counts nothing twice");

        assertEquals(List.of(1, 1, 2, 2), List.of(chunks.find(1, 0, 0).getInteger("committed"), chunks.find(1, 0, 0).getInteger("nSent"),
                chunks.find(1, 1, 0).getInteger("committed"), chunks.find(1, 1, 0).getInteger("nSent")));
    }

    @Test
    void claimingChunksTogetherWhenOneHasARecordIsRefusedAndTheNewOnesAreTheClaimersReservedWhole() {
        chunks.claim(1, 1, 0, "w0", members(2));
        List<Document> keys = List.of(CampaignChunks.key(1, 0, 0), CampaignChunks.key(1, 1, 0));

        assertFalse(chunks.claimWhole(keys, "w1", List.of(members(3), members(2))));

        Document first = chunks.claim(1, 0, 0, "w1", members(3));
        assertEquals(List.of("w1", 3, 0, 0), List.of(first.getString("owner"), first.getInteger("reserved"),
                first.getInteger("committed"), first.getInteger("nUnknown")));
        assertEquals("w0", chunks.find(1, 1, 0).getString("owner"), "a record that existed is left as it was");
    }

    @Test
    void aWorkerWhoseChunkWasTakenOverCanNeitherReserveNorCommit() {
        Document key = CampaignChunks.key(1, 0, 0);
        chunks.claim(1, 0, 0, "w1", members(10));
        assertTrue(chunks.reserve(key, "w1", 0, 2));
        chunks.claim(1, 0, 0, "w2", members(10));

        assertFalse(chunks.commit(key, "w1", 0, 2, List.of(Outcome.sent("m-0"), Outcome.sent("m-1"))));
        assertFalse(chunks.reserve(key, "w1", 2, 4));
        Document stored = chunks.find(1, 0, 0);
        assertEquals(List.of(2, 2, 0, 2), List.of(stored.getInteger("reserved"), stored.getInteger("committed"),
                stored.getInteger("nSent"), stored.getInteger("nUnknown")));
    }

    @Test
    void aReservationMovesOnlyFromTheCurrentReservedPosition() {
        Document key = CampaignChunks.key(1, 0, 0);
        chunks.claim(1, 0, 0, "w1", members(10));

        assertTrue(chunks.reserve(key, "w1", 0, 4));
        assertFalse(chunks.reserve(key, "w1", 0, 6));
        assertEquals(4, chunks.find(1, 0, 0).getInteger("reserved"));
    }

    @Test
    void aCommitCountsTheOutcomesOnlyAtTheReservedPosition() {
        Document key = CampaignChunks.key(1, 0, 0);
        chunks.claim(1, 0, 0, "w1", members(10));
        assertTrue(chunks.reserve(key, "w1", 0, 3));
        List<Outcome> outcomes = List.of(Outcome.sent("m-0"), Outcome.failed("m-1", "refused", true),
                Outcome.skipped("m-2", "no address"));

        assertFalse(chunks.commit(key, "w1", 0, 2, outcomes));
        assertFalse(chunks.commit(key, "w1", 1, 3, outcomes));
        assertTrue(chunks.commit(key, "w1", 0, 3, outcomes));
        assertFalse(chunks.commit(key, "w1", 0, 3, outcomes)); // a repeat after a lost answer counts nothing twice

        Document stored = chunks.find(1, 0, 0);
        assertEquals(List.of(3, 1, 1, 1), List.of(stored.getInteger("committed"), stored.getInteger("nSent"),
                stored.getInteger("nFailed"), stored.getInteger("nSkipped")));
        assertEquals(List.of(new Document("m", "m-1").append("r", "refused").append("x", true)),
                stored.getList("failed", Document.class));
        assertEquals(List.of(new Document("m", "m-2").append("r", "no address")), stored.getList("skipped", Document.class));
    }

    @Test
    void ofConcurrentTakeOversOfOneChunkEachMemberIsMarkedUnknownOnce() throws Exception {
        Document key = CampaignChunks.key(1, 0, 0);
        List<String> ids = members(10);
        chunks.claim(1, 0, 0, "w0", ids);
        assertTrue(chunks.reserve(key, "w0", 0, 5));

        race(() -> chunks.claim(1, 0, 0, "w-" + Thread.currentThread().getId(), ids));

        Document stored = chunks.find(1, 0, 0);
        assertEquals(List.of("m-0", "m-1", "m-2", "m-3", "m-4"), stored.getList("unknown", String.class));
        assertEquals(5, stored.getInteger("nUnknown"));
        assertEquals(5, stored.getInteger("committed"));
    }

    // Leases (task_shards)

    @Test
    void creatingARunsUnitsAgainKeepsTheExistingOnes() {
        units.create(7, 1, 3);
        Document unit = units.all(7, 1, 3).get(1);
        Document leased = units.lease(unit, "w1", 60_000);
        assertTrue(units.checkpoint((Document) leased.get("_id"), "w1", 60_000, new Document("cursor", 42)));

        units.create(7, 1, 3);

        List<Document> all = units.all(7, 1, 3);
        assertEquals(3, all.size());
        assertEquals(42, all.get(1).getInteger("cursor"));
        assertEquals("w1", all.get(1).getString("owner"));
    }

    @Test
    void ofTheWorkersThatSawAUnitFreeExactlyOneLeasesIt() throws Exception {
        units.create(7, 1, 1);
        Document seen = units.all(7, 1, 1).get(0);

        List<String> owners = race(() -> {
            Document won = units.lease(seen, Thread.currentThread().getName(), 60_000);
            return won == null ? null : won.getString("owner");
        });

        List<String> winners = owners.stream().filter(o -> o != null).toList();
        assertEquals(1, winners.size(), owners.toString());
        assertEquals(winners.get(0), units.all(7, 1, 1).get(0).getString("owner"));
    }

    @Test
    void aHeldUnitIsLeasableOnlyOnceItsLeaseIsJudgedVoidAndIsThenTakenOver() {
        units.create(7, 1, 3);
        List<Document> seen = units.all(7, 1, 3);
        units.lease(seen.get(0), "w1", 60_000);
        units.lease(seen.get(1), "w2", 60_000);

        // The engine judges w2's lease void (its instance died); a void lease comes before a free unit.
        List<Document> leasable = units.leasable(7, 1, 3, 2, unit -> "w2".equals(unit.getString("owner")));

        assertEquals(List.of(1, 2), leasable.stream().map(TaskUnits::unitOf).toList());
        Document taken = units.lease(leasable.get(0), "w3", 60_000);
        assertNotNull(taken);
        assertEquals("w3", taken.getString("owner"));
        assertEquals("w2", taken.getString("previousOwner"));
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverCanNeitherCheckpointNorComplete() {
        units.create(7, 1, 1);
        Document key = TaskUnits.key(7, 1, 0);
        Document first = units.lease(units.all(7, 1, 1).get(0), "w1", -1);
        assertNotNull(units.lease(first, "w2", 60_000));

        assertFalse(units.checkpoint(key, "w1", 60_000, new Document("cursor", 99)));
        assertFalse(units.complete(key, "w1", new Document("counts", new Document("sent", 1L))));
        assertTrue(units.checkpoint(key, "w2", 60_000, new Document("cursor", 5)));

        Document stored = units.all(7, 1, 1).get(0);
        assertEquals(5, stored.getInteger("cursor"));
        assertEquals("w2", stored.getString("owner"));
        assertFalse(stored.getBoolean("done"));
    }

    @Test
    void aCompletedUnitIsFreeOfOwnerAndNeverLeasedAgain() {
        units.create(7, 1, 1);
        Document key = TaskUnits.key(7, 1, 0);
        units.lease(units.all(7, 1, 1).get(0), "w1", 60_000);

        assertTrue(units.complete(key, "w1", new Document("counts", new Document("sent", 3L))));

        Document done = units.all(7, 1, 1).get(0);
        assertTrue(done.getBoolean("done"));
        assertNull(done.get("owner"));
        assertEquals(List.of(), units.leasable(7, 1, 1, 0, NO_LEASE_VOID));
        assertNull(units.lease(done, "w2", 60_000));
        assertEquals(3L, TaskUnits.sum(List.of(done)).sent);
    }

    @Test
    void aReleasedUnitIsLeasableAtOnce() {
        units.create(7, 1, 1);
        Document key = TaskUnits.key(7, 1, 0);
        units.lease(units.all(7, 1, 1).get(0), "w1", 60_000);
        assertEquals(List.of(), units.leasable(7, 1, 1, 0, NO_LEASE_VOID));

        units.release(key, "w2"); // not the holder: no effect
        assertEquals(List.of(), units.leasable(7, 1, 1, 0, NO_LEASE_VOID));
        units.release(key, "w1");

        assertEquals(1, units.leasable(7, 1, 1, 0, NO_LEASE_VOID).size());
    }

    // Compare-and-set state moves (tasks)

    private MongoCollection<Document> tasks() {
        MongoCollection<Document> tasks = database.get(PushDatabase.TASKS);
        tasks.insertOne(new Document("_id", 5L).append("state", TaskState.READY.wire()).append("history", new ArrayList<>()));
        return tasks;
    }

    @Test
    void aStateMoveHappensOnlyFromTheStateItExpects() {
        MongoCollection<Document> tasks = tasks();

        Document moved = Tasks.move(tasks, 5L, TaskState.READY, TaskState.STARTED, "alice", "start", null);
        Document again = Tasks.move(tasks, 5L, TaskState.READY, TaskState.STOPPED, "bob", "stop", null);

        assertEquals(TaskState.STARTED.wire(), moved.getString("state"));
        assertNull(again);
        Document stored = tasks.find(Filters.eq("_id", 5L)).first();
        assertEquals(TaskState.STARTED.wire(), stored.getString("state"));
        List<Document> history = stored.getList("history", Document.class);
        assertEquals(1, history.size());
        assertEquals(List.of(TaskState.READY.wire(), TaskState.STARTED.wire(), "alice", "start"),
                List.of(history.get(0).getString("from"), history.get(0).getString("to"), history.get(0).getString("by"),
                        history.get(0).getString("reason")));
    }

    @Test
    void ofConcurrentMovesFromOneStateExactlyOneHappens() throws Exception {
        MongoCollection<Document> tasks = tasks();

        List<Document> results = race(() -> Tasks.move(tasks, 5L, TaskState.READY, TaskState.STARTED,
                Thread.currentThread().getName(), "start", null));

        assertEquals(1, results.stream().filter(r -> r != null).count());
        assertEquals(1, tasks.find(Filters.eq("_id", 5L)).first().getList("history", Document.class).size());
    }

    // Lookups by key

    @Test
    void unitsAreReadByKeyInUnitOrderAcrossKeySlices() {
        units.create(7, 1, 250);
        units.create(7, 2, 5); // another run of the same task
        units.create(8, 1, 5); // another task

        List<Document> all = units.all(7, 1, 250);

        assertEquals(IntStream.range(0, 250).boxed().toList(), all.stream().map(TaskUnits::unitOf).toList());
        assertTrue(all.stream().allMatch(d -> ((Document) d.get("_id")).getLong("t") == 7L
                && ((Document) d.get("_id")).getLong("r") == 1L));
    }

    @Test
    void chunkRecordsAreFoundByKeyInTheAskedOrderAndMissingOnesAreNull() {
        chunks.claim(1, 0, 0, "w1", members(1));
        chunks.claim(1, 1, 0, "w1", members(1));
        chunks.claim(2, 0, 0, "w1", members(1));

        List<Document> found = chunks.findAll(List.of(CampaignChunks.key(1, 1, 0), CampaignChunks.key(9, 0, 0),
                CampaignChunks.key(1, 0, 0)));

        assertEquals(CampaignChunks.key(1, 1, 0), found.get(0).get("_id"));
        assertNull(found.get(1));
        assertEquals(CampaignChunks.key(1, 0, 0), found.get(2).get("_id"));
    }

    @Test
    void aCompoundKeyMatchesOnlyInItsFieldOrder() {
        chunks.claim(1, 2, 3, "w1", members(1));
        MongoCollection<Document> coll = database.get(PushDatabase.CAMPAIGN_CHUNKS);

        Document reordered = new Document("k", 3).append("s", 2).append("c", 1L);

        assertNull(coll.find(Filters.eq("_id", reordered)).first());
        assertEquals(0, coll.countDocuments(Filters.in("_id", List.of(reordered))));
        assertNotNull(coll.find(Filters.eq("_id", CampaignChunks.key(1, 2, 3))).first());
    }

    @Test
    void deletingByKeysRemovesExactlyThoseDocuments() {
        for (int k = 0; k < 250; k++) {
            chunks.claim(1, 0, k, "w1", members(1));
        }
        List<Object> keys = new ArrayList<>();
        for (int k = 0; k < 250; k += 2) {
            keys.add(CampaignChunks.key(1, 0, k));
        }

        PushDatabase.deleteByKeys(database.get(PushDatabase.CAMPAIGN_CHUNKS), keys);

        assertEquals(125, database.get(PushDatabase.CAMPAIGN_CHUNKS).countDocuments());
        assertNull(chunks.find(1, 0, 0));
        assertNotNull(chunks.find(1, 0, 1));
    }

    @Test
    void concurrentSequenceNumbersAreEachGivenOnce() throws Exception {
        List<List<Long>> drawn = race(() -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                mine.add(database.nextId("task"));
            }
            return mine;
        });

        Set<Long> all = new HashSet<>();
        drawn.forEach(all::addAll);
        assertEquals(RACERS * 25, all.size());
        assertEquals(RACERS * 25L, all.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void anInsertOfAnExistingKeyIsADuplicateKeyError() {
        chunks.claim(1, 0, 0, "w1", members(1));
        MongoCollection<Document> coll = database.get(PushDatabase.CAMPAIGN_CHUNKS);

        MongoWriteException e = assertThrows(MongoWriteException.class,
                () -> coll.insertOne(new Document("_id", CampaignChunks.key(1, 0, 0)).append("owner", "w2")));

        assertEquals(11000, e.getError().getCode());
        assertEquals("w1", chunks.find(1, 0, 0).getString("owner"));
    }

    @Test
    void aDocumentReplacedByUpsertIsNeverMissingFromAConcurrentRead() throws Exception {
        MongoCollection<Document> coll = database.get("instances");
        for (int i = 0; i < 4; i++) {
            coll.insertOne(new Document("_id", "i-" + i).append("heartbeat", 0L));
        }

        List<Integer> fewest = race(() -> {
            int least = Integer.MAX_VALUE;
            for (int round = 0; round < 200; round++) {
                String id = "i-" + (round % 4);
                coll.replaceOne(Filters.eq("_id", id), new Document("_id", id).append("heartbeat", (long) round),
                        new com.mongodb.client.model.ReplaceOptions().upsert(true));
                least = Math.min(least, coll.find().into(new ArrayList<>()).size());
            }
            return least;
        });

        assertEquals(List.of(4, 4, 4, 4, 4, 4, 4, 4), fewest);
    }
}
