package dev.push.engine;

import dev.push.channel.limits.LiveInstances;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The live instances the master counted at its last tick (at least this one). */
@ApplicationScoped
class ClusterInstances implements LiveInstances {
    @Inject
    MasterLoop loop;

    @Override
    public int count() {
        return loop.master().liveInstanceCount();
    }
}
