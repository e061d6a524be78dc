package dev.push.engine;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;
import org.bson.codecs.pojo.annotations.BsonId;

/**
 * One of a task's worker slots ({@code workers}, {@code _id = "task:slot"}): the worker that
 * holds it and its last heartbeat. Claiming a slot is an insert (the key is unique) or a
 * compare-and-set on a dead holder's last heartbeat.
 */
@MongoEntity(collection = "workers", readPreference = "primary")
public class WorkerSlot extends PanacheMongoEntityBase {
    @BsonId
    public String id;
    public long task;
    public int slot;
    public String owner;
    public String instance;
    public long heartbeat;
    public long startedAt;

    public static String key(long task, int slot) {
        return task + ":" + slot;
    }
}
