package dev.push.member;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code members} collection. One document per member:
 * <pre>{_id: id, shard: Shards.of(id, 256), attributes: {name: value…}, addresses: {webhook?, email?, fcm?, apns?, webpush?}, updatedAt: Date,
 *  devices: [{id, channel, token, app?, platform?, locale?, lastSeen, active, rejected?}…]}</pre>
 * ({@code devices} written by {@link Devices}, and by an import line that has devices).
 * Every access goes by {@code _id} (one key or {@code $in} over a slice of keys), the only lookup
 * the embedded server answers from an index.
 */
@ApplicationScoped
public class MemberStore {
    public static final String COLLECTION = "members";
    /** {@code $in} over 1,000 keys costs ~22 times one over 100 on the embedded server, so look up in slices. */
    static final int LOOKUP_SLICE = 100;
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> members;

    @Inject
    public MemberStore(MongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this(client.getDatabase(database).getCollection(COLLECTION));
    }

    MemberStore(MongoCollection<Document> members) {
        this.members = members;
    }

    public Optional<Member> find(String id) {
        Document doc = members.find(Filters.eq("_id", id)).first();
        return Optional.ofNullable(doc).map(MemberStore::member);
    }

    /**
     * The addresses of the given members on one channel ({@code webhook}, {@code email}, {@code fcm},
     * {@code apns}), id → address. Members that are unknown or have no address on that channel are
     * absent from the answer. Reads only that address, in slices of {@value #LOOKUP_SLICE} ids.
     */
    public Map<String, String> addressesOf(Collection<String> ids, String channel) {
        if (!Addresses.CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("channel " + channel + " has no member address");
        }
        String field = "addresses." + channel;
        Map<String, String> found = new HashMap<>(ids.size() * 2);
        List<String> slice = new ArrayList<>(LOOKUP_SLICE);
        for (String id : ids) {
            slice.add(id);
            if (slice.size() == LOOKUP_SLICE) {
                lookUp(slice, channel, field, found);
                slice.clear();
            }
        }
        if (!slice.isEmpty()) {
            lookUp(slice, channel, field, found);
        }
        return found;
    }

    /**
     * The members' own time zones ({@code timezone}), id → IANA zone; members without one are absent. Read by key,
     * in slices of {@value #LOOKUP_SLICE} ids.
     */
    public Map<String, String> zones(List<String> ids) {
        Map<String, String> found = new HashMap<>(ids.size() * 2);
        for (int from = 0; from < ids.size(); from += LOOKUP_SLICE) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + LOOKUP_SLICE));
            for (Document doc : members.find(Filters.in("_id", slice)).projection(Projections.include(TimeZoneField.NAME))) {
                String zone = doc.getString(TimeZoneField.NAME);
                if (zone != null) {
                    found.put(doc.getString("_id"), zone);
                }
            }
        }
        return found;
    }

    private void lookUp(List<String> ids, String channel, String field, Map<String, String> found) {
        for (Document doc : members.find(Filters.in("_id", ids)).projection(Projections.include(field))) {
            Document addresses = doc.get("addresses", Document.class);
            String address = addresses == null ? null : addresses.getString(channel);
            if (address != null) {
                found.put(doc.getString("_id"), address);
            }
        }
    }

    /**
     * Replaces the whole profile of each member, creating the ones that do not exist. The ids in
     * one call must be distinct. Members are first inserted with one unordered insert (on a fresh
     * import every one is new, and an insert costs less than an upsert, which must look the key
     * up first); those that already exist fail on the unique key and are then replaced with one
     * unordered bulk of replace-or-insert.
     */
    public Replaced replaceAll(List<Member> batch) {
        if (batch.isEmpty()) {
            return new Replaced(0, 0, Map.of());
        }
        Date now = new Date();
        List<Document> docs = new ArrayList<>(batch.size());
        for (Member member : batch) {
            docs.add(document(member, now));
        }
        List<Integer> existing = new ArrayList<>();
        Map<Integer, String> failures = new LinkedHashMap<>();
        try {
            members.insertMany(new ArrayList<>(docs), new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() == DUPLICATE_KEY) {
                    existing.add(error.getIndex());
                } else {
                    failures.put(error.getIndex(), error.getMessage());
                }
            }
        }
        int created = batch.size() - existing.size() - failures.size();
        if (existing.isEmpty()) {
            return new Replaced(created, 0, failures);
        }
        List<WriteModel<Document>> writes = new ArrayList<>(existing.size());
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        for (int i : existing) {
            Document doc = docs.get(i);
            writes.add(batch.get(i).devices() != null ? new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, upsert)
                    : keepingDevices(doc));
        }
        BulkWriteResult result;
        try {
            result = members.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                failures.put(existing.get(error.getIndex()), error.getMessage());
            }
            result = e.getWriteResult();
        }
        // A member deleted between the insert and the replace is inserted again by the upsert.
        return new Replaced(created + result.getUpserts().size(), result.getMatchedCount(), failures);
    }

    /**
     * What one {@link #replaceAll} did: members created, members that existed and were replaced,
     * and the writes the database refused, by their index in the batch.
     */
    public record Replaced(int created, int updated, Map<Integer, String> failures) {
    }

    /**
     * The whole profile replaced but for the member's devices, which a line without devices leaves as they are (an
     * app back end registers them): every other field is set, and what a replace would drop (the invalid marks) unset.
     */
    private static UpdateOneModel<Document> keepingDevices(Document doc) {
        List<Bson> sets = new ArrayList<>();
        doc.forEach((field, value) -> {
            if (!field.equals("_id")) {
                sets.add(Updates.set(field, value));
            }
        });
        sets.add(Updates.unset("invalid"));
        return new UpdateOneModel<>(Filters.eq("_id", doc.get("_id")), Updates.combine(sets), new UpdateOptions().upsert(true));
    }

    static Document document(Member member, Date updatedAt) {
        Document addresses = new Document();
        Addresses a = member.addresses();
        for (String channel : Addresses.CHANNELS) {
            String address = a.of(channel);
            if (address != null) {
                addresses.append(channel, address);
            }
        }
        Document doc = new Document("_id", member.id())
                .append("shard", Shards.of(member.id(), Shards.DEFAULT_COUNT))
                .append("attributes", new Document(member.attributes()))
                .append("addresses", addresses)
                .append("updatedAt", updatedAt);
        if (member.timezone() != null) {
            doc.append(TimeZoneField.NAME, member.timezone());
        }
        if (member.devices() != null) {
            doc.append("devices", member.devices().stream().map(Device::toDocument).toList());
        }
        return doc;
    }

    static Member member(Document doc) {
        Document attrs = doc.get("attributes", Document.class);
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (attrs != null) {
            attributes.putAll(attrs);
        }
        Document a = doc.get("addresses", Document.class);
        Addresses addresses = a == null ? Addresses.NONE
                : new Addresses(a.getString("webhook"), a.getString("email"), a.getString("fcm"), a.getString("apns"),
                        a.getString("webpush"));
        Date updatedAt = doc.getDate("updatedAt");
        List<Device> devices = doc.getList("devices", Document.class, List.of()).stream().map(Device::of).toList();
        return new Member(doc.getString("_id"), attributes, addresses, doc.getString(TimeZoneField.NAME),
                updatedAt == null ? null : updatedAt.toInstant(), Set.of(), devices);
    }
}
