package dev.push.engine;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import dev.push.storage.CoordinationConcern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code workers} collection, written only here: a task's slots, claimed by an insert (the key
 * is unique) or a compare-and-set on a dead holder's heartbeat, heart-beaten and freed by the
 * holder's master.
 */
final class WorkerSlots {
    MongoCollection<WorkerSlot> coll() {
        return CoordinationConcern.pin(WorkerSlot.<WorkerSlot>mongoCollection());
    }

    /** Slots 0…count-1 of a task that exist, by slot number. */
    Map<Integer, WorkerSlot> read(long task, int count) {
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            keys.add(WorkerSlot.key(task, s));
        }
        Map<Integer, WorkerSlot> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            for (WorkerSlot s : coll().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + 100))))) {
                out.put(s.slot, s);
            }
        }
        return out;
    }

    /** Claims a free slot ({@code seen} null) or a dead worker's as it was seen; false if another got it. */
    boolean claim(Worker w, String instanceId, WorkerSlot seen, long wall) {
        WorkerSlot mine = new WorkerSlot();
        mine.id = WorkerSlot.key(w.taskId, w.slot);
        mine.task = w.taskId;
        mine.slot = w.slot;
        mine.owner = w.id;
        mine.instance = instanceId;
        mine.heartbeat = wall;
        mine.startedAt = wall;
        try {
            if (seen == null) {
                coll().insertOne(mine);
                return true;
            }
            return coll().replaceOne(Filters.and(Filters.eq("_id", mine.id), Filters.eq("owner", seen.owner),
                    Filters.eq("heartbeat", seen.heartbeat)), mine, new ReplaceOptions()).getModifiedCount() == 1;
        } catch (MongoWriteException e) {
            if (e.getError().getCode() == 11000) {
                return false;
            }
            throw e;
        }
    }

    /** Heart-beats a worker's slot; false when someone presumed it dead and took the slot. */
    boolean heartbeat(Worker w, long wall) {
        return coll().updateOne(Filters.and(Filters.eq("_id", WorkerSlot.key(w.taskId, w.slot)),
                Filters.eq("owner", w.id)), Updates.set("heartbeat", wall)).getMatchedCount() == 1;
    }

    void free(Worker w) {
        coll().deleteOne(Filters.and(Filters.eq("_id", WorkerSlot.key(w.taskId, w.slot)), Filters.eq("owner", w.id)));
    }
}
