package dev.push.member;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code members} collection. One document per member:
 * <pre>{_id: id, shard: Shards.of(id, 256), attributes: {name: value…}, addresses: {webhook?, email?, fcm?, apns?}, updatedAt: Date}</pre>
 * Every access goes by {@code _id} (one key or {@code $in} over a slice of keys), the only lookup
 * the embedded server answers from an index.
 */
@ApplicationScoped
public class MemberStore {
    public static final String COLLECTION = "members";
    /** {@code $in} over 1,000 keys costs ~22 times one over 100 on the embedded server, so look up in slices. */
    static final int LOOKUP_SLICE = 100;

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
     * Replaces the whole profile of each member, creating the ones that do not exist, with one
     * unordered bulk write. The ids in one call must be distinct (the order of an unordered
     * bulk is not guaranteed, so two writes to one member would race).
     */
    public Replaced replaceAll(List<Member> batch) {
        if (batch.isEmpty()) {
            return new Replaced(0, 0, Map.of());
        }
        Date now = new Date();
        List<ReplaceOneModel<Document>> writes = new ArrayList<>(batch.size());
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        for (Member member : batch) {
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", member.id()), document(member, now), upsert));
        }
        try {
            return replaced(members.bulkWrite(writes, new BulkWriteOptions().ordered(false)), Map.of());
        } catch (MongoBulkWriteException e) {
            Map<Integer, String> failures = new LinkedHashMap<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                failures.put(error.getIndex(), error.getMessage());
            }
            return replaced(e.getWriteResult(), failures);
        }
    }

    private static Replaced replaced(BulkWriteResult result, Map<Integer, String> failures) {
        return new Replaced(result.getUpserts().size(), result.getMatchedCount(), failures);
    }

    /**
     * What one {@link #replaceAll} did: members created, members that existed and were replaced,
     * and the writes the database refused, by their index in the batch.
     */
    public record Replaced(int created, int updated, Map<Integer, String> failures) {
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
        return new Document("_id", member.id())
                .append("shard", Shards.of(member.id(), Shards.DEFAULT_COUNT))
                .append("attributes", new Document(member.attributes()))
                .append("addresses", addresses)
                .append("updatedAt", updatedAt);
    }

    static Member member(Document doc) {
        Document attrs = doc.get("attributes", Document.class);
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (attrs != null) {
            attributes.putAll(attrs);
        }
        Document a = doc.get("addresses", Document.class);
        Addresses addresses = a == null ? Addresses.NONE
                : new Addresses(a.getString("webhook"), a.getString("email"), a.getString("fcm"), a.getString("apns"));
        Date updatedAt = doc.getDate("updatedAt");
        return new Member(doc.getString("_id"), attributes, addresses, updatedAt == null ? null : updatedAt.toInstant());
    }
}
