package dev.push.engine;

import dev.push.task.TaskUnits;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is alive, judged by silence on the judge's own clock: the times below are the judge's
 * monotonic milliseconds at its ticks; heartbeat and lease values are whatever the writers' clocks
 * said, however far off.
 */
class LivenessTest {
    static final long HEARTBEAT_TIMEOUT = 3_000;
    static final long LEASE_TIMEOUT = 10_000;

    final Liveness liveness = new Liveness(HEARTBEAT_TIMEOUT, LEASE_TIMEOUT, new DatabaseStalls());

    static ServiceInstance instance(String id, long heartbeat) {
        ServiceInstance i = new ServiceInstance();
        i.id = id;
        i.heartbeat = heartbeat;
        return i;
    }

    static WorkerSlot slot(String owner, long heartbeat) {
        WorkerSlot s = new WorkerSlot();
        s.id = "7-0";
        s.owner = owner;
        s.instance = Worker.instanceOf(owner);
        s.heartbeat = heartbeat;
        return s;
    }

    static Document unit(int s, String owner, long until) {
        return new Document("_id", TaskUnits.key(7, 1, s)).append("owner", owner).append("until", until);
    }

    @Test
    void aHeartbeatThatKeepsChangingIsLiveHoweverFarItsClockIsOff() {
        long anHourAhead = System.currentTimeMillis() + 3_600_000;
        for (long tick = 0; tick <= 20_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", anHourAhead + tick)), Reading.at(tick));
        }
        assertFalse(liveness.instanceDead("a"));
    }

    @Test
    void aHeartbeatUnchangedForTheTimeoutIsDeadAndNotOneTickBefore() {
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(0));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(2_999));
        assertFalse(liveness.instanceDead("a"));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(3_000));
        assertTrue(liveness.instanceDead("a"));
    }

    @Test
    void aSlowAnswerDoesNotCountAsTheWritersSilence() {
        // Read issued at 0, answered at 2,500 (a slow database): the value may have been written at 2,499.
        liveness.observeInstances(List.of(instance("a", 5)), new Reading(0, 2_500));
        liveness.observeInstances(List.of(instance("a", 5)), new Reading(3_000, 3_050));
        assertFalse(liveness.instanceDead("a"));
        liveness.observeInstances(List.of(instance("a", 5)), new Reading(5_500, 5_550));
        assertTrue(liveness.instanceDead("a"));
    }

    @Test
    void timeThisInstanceSpentWaitingForTheDatabaseIsNobodysSilence() {
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(0));
        // Our own heartbeat write hung for 5 s (a frozen database): nobody could write meanwhile.
        liveness.waited(new Reading(500, 5_500));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(6_000));
        assertFalse(liveness.instanceDead("a"));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(8_000));
        assertTrue(liveness.instanceDead("a"));
    }

    @Test
    void aSlotIsBeatingOnlyOnceItsValueWasSeenToChange() {
        liveness.observeInstances(List.of(instance("a", 1)), Reading.at(0));
        liveness.observeSlot(slot("a/7-0-x", 1), Reading.at(0));
        assertTrue(liveness.slotLive(slot("a/7-0-x", 1)));
        assertFalse(liveness.slotBeating(slot("a/7-0-x", 1)));
        liveness.observeSlot(slot("a/7-0-x", 2), Reading.at(1_000));
        assertTrue(liveness.slotBeating(slot("a/7-0-x", 2)));
    }

    @Test
    void aDeadInstancesLeasesAreVoidAtOnceWithoutWaitingOutTheLease() {
        Document held = unit(0, "a/7-0-x", 123);
        liveness.observeUnit(held, Reading.at(0));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(0));
        assertFalse(liveness.leaseVoid(held));
        liveness.observeUnit(held, Reading.at(3_000));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(3_000));
        assertTrue(liveness.leaseVoid(held));
    }

    @Test
    void aLiveInstancesLeaseIsVoidOnlyWhenNotRenewedForTheLeaseTimeout() {
        Document held = unit(0, "a/7-0-x", 123);
        for (long tick = 0; tick <= LEASE_TIMEOUT; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", tick)), Reading.at(tick));
            liveness.observeUnit(held, Reading.at(tick));
            assertTrue(liveness.leaseVoid(held) == (tick >= LEASE_TIMEOUT), "at " + tick);
        }
    }

    @Test
    void aRenewedLeaseIsNeverVoid() {
        for (long tick = 0; tick <= 30_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", tick)), Reading.at(tick));
            liveness.observeUnit(unit(0, "a/7-0-x", tick - 3_600_000), Reading.at(tick));
        }
        assertFalse(liveness.leaseVoid(unit(0, "a/7-0-x", 30_000 - 3_600_000)));
    }

    @Test
    void aUnitFreeForLongAndLeasedSinceTheLastTickIsNotVoid() {
        for (long tick = 0; tick <= 60_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", tick)), Reading.at(tick));
            liveness.observeUnit(unit(0, null, 0), Reading.at(tick));
        }

        assertFalse(liveness.leaseVoid(unit(0, "a/7-0-x", 70_123)));
    }

    @Test
    void aWorkerSlotWrittenSinceTheLastTickIsLiveHoweverLongItsOldValueWasSeen() {
        WorkerSlot before = slot("a/7-0-x", 5);
        for (long tick = 0; tick <= 60_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", tick)), Reading.at(tick));
            liveness.observeSlot(before, Reading.at(tick));
        }

        assertFalse(liveness.slotLive(before));
        assertTrue(liveness.slotLive(slot("b/7-0-y", 6)));
    }

    @Test
    void anInstanceThatDeregisteredWhileWatchedIsDead() {
        liveness.observeInstances(List.of(instance("a", 1), instance("b", 1)), Reading.at(0));
        liveness.observeInstances(List.of(instance("b", 2)), Reading.at(1_000));
        assertTrue(liveness.instanceDead("a"));
        assertTrue(liveness.leaseVoid(unit(0, "a/7-0-x", 1)));
        assertFalse(liveness.instanceDead("b"));
    }

    @Test
    void anInstanceNeverSeenIsNotJudgedDead() {
        assertFalse(liveness.instanceDead("new"));
        assertFalse(liveness.leaseVoid(unit(0, "new/7-0-x", 1)));
    }

    @Test
    void afterAFreezeTheSilenceItCausedCountsForNothing() {
        Document held = unit(0, "a/7-0-x", 123);
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(0));
        liveness.observeUnit(held, Reading.at(0));
        FreezeDetection freeze = new FreezeDetection(liveness, HEARTBEAT_TIMEOUT);
        freeze.run(new Tick(0, 0));
        freeze.ended(100);
        // The next tick comes 15 s later: the database froze, nobody could write.
        freeze.run(new Tick(0, 15_100));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(15_100));
        liveness.observeUnit(held, Reading.at(15_100));
        assertFalse(liveness.instanceDead("a"));
        assertFalse(liveness.leaseVoid(held));
    }

    @Test
    void aTickThatHungLongerThanTheTimeoutAlsoCountsAsAFreeze() {
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(0));
        FreezeDetection freeze = new FreezeDetection(liveness, HEARTBEAT_TIMEOUT);
        freeze.run(new Tick(0, 1_000));
        // That tick waited 15 s on the database; the values it read were recorded at its start.
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(1_000));
        freeze.ended(16_000);
        freeze.run(new Tick(0, 16_000));
        liveness.observeInstances(List.of(instance("a", 5)), Reading.at(16_000));
        assertFalse(liveness.instanceDead("a"));
    }

    /**
     * A tick at {@code mono}: our own heartbeat written first, so the read of everyone's is issued
     * 2 ms into the tick and answered 3 ms later.
     */
    static Reading readAtTick(long mono) {
        return new Reading(mono + 2, mono + 5);
    }

    @Test
    void theDeathIsEstablishedAtTheTimeoutNotATickLater() {
        List<Long> alarms = new ArrayList<>();
        TimeoutAlarm alarm = new TimeoutAlarm(liveness, "me", alarms::add);
        // "a" wrote its last heartbeat just before our tick at 0, and then died.
        for (long tick = 0; tick <= 3_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("me", tick), instance("a", 5)), readAtTick(tick));
            alarm.run(new Tick(tick, tick));
            assertFalse(liveness.instanceDead("a"), "at the tick at " + tick);
        }
        // The scheduled tick at 3,000 saw 2,997 ms of silence: without the alarm, "a" would be dead only at 4,000.
        assertEquals(List.of(3_005L, 3_005L, 3_005L, 3_005L), alarms, "the instant its silence reaches 3 s, known from the first reading");
        liveness.observeInstances(List.of(instance("me", 3_005), instance("a", 5)), readAtTick(3_005));
        assertTrue(liveness.instanceDead("a"), "the alarm's tick finds it dead");
        alarm.run(new Tick(3_005, 3_005));
        assertEquals(Long.MAX_VALUE, alarms.get(alarms.size() - 1), "no alarm for an instance already dead, nor for this one");
    }

    @Test
    void aBeatingInstancesAlarmMovesOnWithEveryBeatAndNeverRings() {
        List<Long> alarms = new ArrayList<>();
        TimeoutAlarm alarm = new TimeoutAlarm(liveness, "me", alarms::add);
        for (long tick = 0; tick <= 10_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("me", tick), instance("a", tick + 77)), readAtTick(tick));
            alarm.run(new Tick(tick, tick));
            assertEquals(tick + 3_005, alarms.get(alarms.size() - 1));
        }
        assertFalse(liveness.instanceDead("a"));
    }

    @Test
    void timeSpentWaitingForTheDatabasePutsTheAlarmOffAndNobodyIsDeadAtTheOldInstant() {
        List<Long> alarms = new ArrayList<>();
        TimeoutAlarm alarm = new TimeoutAlarm(liveness, "me", alarms::add);
        liveness.observeInstances(List.of(instance("a", 5)), readAtTick(0));
        alarm.run(new Tick(0, 0));
        assertEquals(3_005L, alarms.get(0));
        // A database call of ours hung from 1,000 to 3,000 (a frozen database): nobody could write then.
        liveness.waited(new Reading(1_000, 3_000));
        liveness.observeInstances(List.of(instance("a", 5)), readAtTick(3_005));
        assertFalse(liveness.instanceDead("a"), "the freeze is nobody's silence");
        alarm.run(new Tick(3_005, 3_005));
        assertEquals(5_005L, alarms.get(1));
        liveness.observeInstances(List.of(instance("a", 5)), readAtTick(5_005));
        assertTrue(liveness.instanceDead("a"));
    }

    @Test
    void aNewlyDeadInstanceWakesIdleWorkersOnce() {
        int[] wakes = {0};
        PromptTakeOver takeOver = new PromptTakeOver(liveness, () -> wakes[0]++);
        for (long tick = 0; tick <= 5_000; tick += 1_000) {
            liveness.observeInstances(List.of(instance("a", 5), instance("b", tick)), Reading.at(tick));
            takeOver.run(new Tick(tick, tick));
            assertEquals(tick >= 3_000 ? 1 : 0, wakes[0], "at " + tick);
        }
    }

    @Test
    void aWorkerIdNamesItsInstance() {
        assertTrue(Worker.instanceOf("host-1-abc123/42-3-deadbeef").equals("host-1-abc123"));
    }
}
