package dev.push.engine;

import dev.push.task.TaskUnits;
import org.bson.Document;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is alive, as this instance judges it: an instance or a worker slot is dead when its
 * heartbeat has not changed for the heartbeat timeout; a unit's lease is void when its holder's
 * instance is dead or gone, or when the lease has not been renewed for the lease timeout. The
 * single place these rules live; every judgement is by silence over this instance's own
 * observations (see {@link SilenceWatch}), never by comparing another instance's clock with ours.
 */
final class Liveness {
    private final long heartbeatTimeout;
    private final long leaseTimeout;
    private final DatabaseStalls stalls;
    private final SilenceWatch instances;
    private final SilenceWatch slots;
    private final SilenceWatch leases;
    private volatile Set<String> present = Set.of();
    /** Instances seen before and missing since, with when we noticed (monotonic ms). */
    private final Map<String, Long> gone = new ConcurrentHashMap<>();

    Liveness(long heartbeatTimeout, long leaseTimeout, DatabaseStalls stalls) {
        this.stalls = stalls;
        this.instances = new SilenceWatch(stalls);
        this.slots = new SilenceWatch(stalls);
        this.leases = new SilenceWatch(stalls);
        this.heartbeatTimeout = heartbeatTimeout;
        this.leaseTimeout = leaseTimeout;
    }

    /** Records how long a database call of this instance took (see {@link DatabaseStalls}). */
    void waited(Reading call) {
        stalls.waited(call);
    }

    /** Records the instances read this tick; an instance seen before and missing now has deregistered. */
    void observeInstances(Iterable<ServiceInstance> all, Reading read) {
        Set<String> ids = new HashSet<>();
        for (ServiceInstance i : all) {
            ids.add(i.id);
            instances.observe(i.id, i.heartbeat, read);
        }
        for (String before : present) {
            if (!ids.contains(before)) {
                gone.putIfAbsent(before, read.answered());
            }
        }
        gone.keySet().removeAll(ids);
        present = Set.copyOf(ids);
    }

    boolean instanceLive(ServiceInstance i) {
        return instances.silentFor(i.id, i.heartbeat) < heartbeatTimeout;
    }

    /** Dead: silent for the heartbeat timeout, or deregistered while we watched. */
    boolean instanceDead(String instanceId) {
        return gone.containsKey(instanceId) || instances.silentFor(instanceId) >= heartbeatTimeout;
    }

    /**
     * The instant (this instance's monotonic ms) at which the next of the watched instances other
     * than {@code self} will be dead if it stays silent: when its silence reaches the heartbeat
     * timeout. {@link Long#MAX_VALUE} when no other live instance is watched.
     */
    long nextDeath(String self) {
        long at = Long.MAX_VALUE;
        for (String id : present) {
            if (!id.equals(self) && !instanceDead(id)) {
                at = Math.min(at, instances.silentAt(id, heartbeatTimeout));
            }
        }
        return at;
    }

    /** The instances judged dead now: silent for the timeout, or deregistered while we watched. */
    Set<String> deadInstances() {
        Set<String> dead = new HashSet<>(gone.keySet());
        for (String id : present) {
            if (instanceDead(id)) {
                dead.add(id);
            }
        }
        return dead;
    }

    /** How long this instance has seen the instance's heartbeat unchanged, in ms. */
    long instanceSilence(String instanceId) {
        return instances.silentFor(instanceId);
    }

    void observeSlot(WorkerSlot s, Reading read) {
        slots.observe(s.id, slotValue(s), read);
    }

    boolean slotLive(WorkerSlot s) {
        return slots.silentFor(s.id, slotValue(s)) < heartbeatTimeout && !instanceDead(s.instance);
    }

    /** Why a slot is judged dead, in words for the task's history and the log. */
    String why(WorkerSlot s) {
        if (gone.containsKey(s.instance)) {
            return "its instance deregistered";
        }
        long instance = instances.silentFor(s.instance);
        return instance >= heartbeatTimeout ? "its instance silent for " + instance + " ms"
                : "silent for " + slots.silentFor(s.id, slotValue(s)) + " ms";
    }

    /** Live, and seen beating (its value seen to change while this instance watched): evidence, not just no news. */
    boolean slotBeating(WorkerSlot s) {
        return slotLive(s) && slots.seenWritten(s.id, slotValue(s));
    }

    long slotSilence(WorkerSlot s) {
        return slots.silentFor(s.id, slotValue(s));
    }

    void observeUnit(Document unit, Reading read) {
        leases.observe(unitKey(unit), leaseValue(unit), read);
    }

    /**
     * Whether another worker may take a held unit's lease: its holder's instance is dead (its
     * leases die with it, without waiting out the lease), or the lease was not renewed for the lease
     * timeout while we watched (a live instance's stuck worker).
     */
    boolean leaseVoid(Document unit) {
        Object owner = unit.get("owner");
        if (owner == null) {
            return true;
        }
        return instanceDead(Worker.instanceOf(owner.toString()))
                || leases.silentFor(unitKey(unit), leaseValue(unit)) >= leaseTimeout;
    }

    /** After a freeze nobody could write: judge nobody by the silence it caused. */
    void forgetAll() {
        instances.forgetAll();
        slots.forgetAll();
        leases.forgetAll();
    }

    /** Drops what was not observed for a minute (finished runs, freed slots, long-gone instances). */
    void prune(long now) {
        long before = now - 60_000;
        instances.forgetUnseenSince(before);
        slots.forgetUnseenSince(before);
        leases.forgetUnseenSince(before);
        gone.values().removeIf(at -> at < before);
        stalls.forgetBefore(before);
    }

    private static String slotValue(WorkerSlot s) {
        return s.owner + "@" + s.heartbeat;
    }

    private static String leaseValue(Document unit) {
        Object owner = unit.get("owner");
        return owner == null ? null : owner + "@" + unit.get("until");
    }

    private static String unitKey(Document unit) {
        Document k = (Document) unit.get("_id");
        return k.get("t") + ":" + k.get("r") + ":" + TaskUnits.unitOf(unit);
    }
}
