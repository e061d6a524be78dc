package dev.push.engine;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes this instance's heartbeat and watches everyone else's: an instance is live while its
 * heartbeat keeps changing (see {@link Liveness}) and it is not draining. The live count sets
 * each instance's fair share of a task's workers.
 */
final class InstanceHeartbeats implements TickStep {
    private final String instanceId;
    private final String host;
    private final String version;
    private final long startedAt;
    private final LocalWorkers workers;
    private final Liveness liveness;

    InstanceHeartbeats(String instanceId, String host, String version, long startedAt, LocalWorkers workers,
                       Liveness liveness) {
        this.instanceId = instanceId;
        this.host = host;
        this.version = version;
        this.startedAt = startedAt;
        this.workers = workers;
        this.liveness = liveness;
    }

    @Override
    public void run(Tick tick) {
        ServiceInstance me = new ServiceInstance();
        me.id = instanceId;
        me.host = host;
        me.version = version;
        me.heartbeat = tick.wall;
        me.startedAt = startedAt;
        me.draining = workers.draining();
        ServiceInstance.<ServiceInstance>mongoCollection().replaceOne(Filters.eq("_id", instanceId), me,
                new ReplaceOptions().upsert(true));
        long issued = Tick.monotonicMillis();
        List<ServiceInstance> all = ServiceInstance.<ServiceInstance>listAll();
        liveness.observeInstances(all, Reading.since(issued));
        tick.liveInstances = Math.max(1, live(all).size());
        lastLiveCount = tick.liveInstances;
    }

    private volatile int lastLiveCount = 1;

    /** Live instances as counted at the last tick; 1 before the first. */
    int lastLiveCount() {
        return lastLiveCount;
    }

    /** Instances heart-beating and not draining, as this instance judges them. */
    List<ServiceInstance> live(List<ServiceInstance> all) {
        List<ServiceInstance> live = new ArrayList<>();
        for (ServiceInstance i : all) {
            if (!i.draining && (i.id.equals(instanceId) || liveness.instanceLive(i))) {
                live.add(i);
            }
        }
        return live;
    }
}
