package dev.push.engine;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;
import org.bson.codecs.pojo.annotations.BsonId;

/** A running service instance ({@code instances}) and its last heartbeat. */
@MongoEntity(collection = "instances")
public class ServiceInstance extends PanacheMongoEntityBase {
    @BsonId
    public String id;
    public String host;
    public String version;
    public long heartbeat;
    public long startedAt;
    public boolean draining;
}
