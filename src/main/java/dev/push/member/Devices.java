package dev.push.member;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The writer of members' {@code devices}: registering (or refreshing) a device, removing one, and deactivating a device
 * whose token its provider rejected. A member has at most {@link DevicesConfig#maxPerMember()} devices, checked in the
 * same write that adds one, so two registrations at once cannot pass the limit together.
 */
@ApplicationScoped
public class Devices {
    private static final int DUPLICATE_KEY = 11000;

    @Inject
    PushDatabase database;

    @Inject
    DevicesConfig config;

    private MongoCollection<Document> members() {
        return database.get(PushDatabase.MEMBERS);
    }

    /** What a registration did. */
    public enum Registered { CREATED, REFRESHED }

    /** Thrown when a member already has the most devices allowed. */
    public static final class OverLimit extends RuntimeException {
        OverLimit(int max) {
            super("the member already has " + max + " devices, the most allowed (push.devices.max-per-member); remove one first",
                    null, false, false);
        }
    }

    /**
     * Registers the member's device {@code device.id()}, or replaces it with this registration (a new token, app
     * version, locale; active again). A member not imported yet is created with no attributes.
     */
    public Registered register(String memberId, Device device) {
        Document doc = device.toDocument();
        for (int attempt = 0; attempt < 3; attempt++) {
            if (members().updateOne(Filters.and(Filters.eq("_id", memberId), Filters.eq("devices.id", device.id())),
                    Updates.set("devices.$", doc)).getMatchedCount() == 1) {
                return Registered.REFRESHED;
            }
            int max = config.maxPerMember();
            // Fewer than max devices: position max-1 does not exist.
            String last = "devices." + (max - 1);
            if (members().updateOne(Filters.and(Filters.eq("_id", memberId), Filters.ne("devices.id", device.id()),
                    Filters.exists(last, false)), Updates.push("devices", doc)).getMatchedCount() == 1) {
                return Registered.CREATED;
            }
            Document member = members().find(Filters.eq("_id", memberId)).projection(Projections.include("devices.id")).first();
            if (member != null) {
                List<Document> devices = member.getList("devices", Document.class, List.of());
                if (devices.size() >= max && devices.stream().noneMatch(d -> device.id().equals(d.getString("id")))) {
                    throw new OverLimit(max);
                }
                continue; // changed meanwhile (removed, or registered by another request): try again
            }
            try {
                members().insertOne(new Document("_id", memberId).append("shard", Shards.of(memberId, Shards.DEFAULT_COUNT))
                        .append("attributes", new Document()).append("addresses", new Document())
                        .append("devices", new ArrayList<>(List.of(doc))).append("updatedAt", new Date()));
                return Registered.CREATED;
            } catch (MongoWriteException e) {
                if (e.getError().getCode() != DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
        throw new IllegalStateException("the member's devices kept changing during the registration; try again");
    }

    /** Removes the member's device; false when it had none of that id. */
    public boolean remove(String memberId, String deviceId) {
        return members().updateOne(Filters.and(Filters.eq("_id", memberId), Filters.eq("devices.id", deviceId)),
                Updates.pull("devices", new Document("id", deviceId))).getModifiedCount() == 1;
    }

    /** A device whose token (or subscription) its provider rejected. */
    public record Rejected(String memberId, String deviceId, String token, String reason) {
    }

    /**
     * Deactivates each rejected device, in one bulk write, while it still holds the rejected token: a device
     * registered again with a new token meanwhile stays active. The member's other devices are untouched.
     */
    public void deactivate(List<Rejected> rejected) {
        if (rejected.isEmpty()) {
            return;
        }
        Date now = new Date();
        List<WriteModel<Document>> writes = new ArrayList<>(rejected.size());
        for (Rejected r : rejected) {
            writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", r.memberId()),
                    Filters.elemMatch("devices", Filters.and(Filters.eq("id", r.deviceId()), Filters.eq("token", r.token())))),
                    Updates.combine(Updates.set("devices.$.active", false),
                            Updates.set("devices.$.rejected", new Document("reason", r.reason()).append("at", now)))));
        }
        members().bulkWrite(writes);
    }
}
