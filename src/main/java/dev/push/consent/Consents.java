package dev.push.consent;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.push.storage.PushDatabase;
import dev.push.storage.SharedRoundTrip;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code consent} collection, its one writer. One document per member who opted out of something, keyed
 * {@code m:<member id>}, and one per suppressed address, keyed {@code a:<kind>:<address>}:
 * <pre>{_id, all: boolean, categories: [category…], at: Date}</pre>
 * Kept apart from the member's profile, which an import replaces whole: an import never re-subscribes anyone.
 * Read by key, in slices of {@value #SLICE} keys, like every lookup on the send path.
 */
@ApplicationScoped
public class Consents {
    public static final String COLLECTION = "consent";
    /** {@code $in} over 1,000 keys costs ~22 times one over 100 on the embedded server, so look up in slices. */
    static final int SLICE = 100;

    /**
     * Lookups of at most this many keys (a triggered send's member, with its address) share a round trip with those of
     * other requests made meanwhile ({@link SharedRoundTrip}), {@value #SLICE} keys at most: one $in for many sends.
     */
    static final int FEW = 10;

    private final SharedRoundTrip<List<String>, Map<String, Document>> fewLookups =
            new SharedRoundTrip<>(SLICE / FEW, this::findEach);
    private final PushDatabase database;
    private final Clock clock;

    @Inject
    public Consents(PushDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    private MongoCollection<Document> consent() {
        return database.get(COLLECTION);
    }

    static String memberKey(String memberId) {
        return "m:" + memberId;
    }

    static String addressKey(String kind, String address) {
        return "a:" + kind + ":" + address;
    }

    /** The records of these keys that exist, by key; {@value #SLICE} keys a query. */
    private Map<String, Document> find(List<String> keys) {
        Map<String, Document> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += SLICE) {
            for (Document d : consent().find(Filters.in("_id", keys.subList(from, Math.min(keys.size(), from + SLICE))))) {
                found.put(d.getString("_id"), d);
            }
        }
        return found;
    }

    /** {@link #find} of several callers' keys at once; each gets the records of its own keys. */
    private List<SharedRoundTrip.Result<Map<String, Document>>> findEach(List<List<String>> keysEach) {
        Set<String> all = new LinkedHashSet<>();
        keysEach.forEach(all::addAll);
        Map<String, Document> found = find(new ArrayList<>(all));
        List<SharedRoundTrip.Result<Map<String, Document>>> out = new ArrayList<>(keysEach.size());
        for (List<String> keys : keysEach) {
            Map<String, Document> own = new HashMap<>();
            for (String k : keys) {
                Document d = found.get(k);
                if (d != null) {
                    own.put(k, d);
                }
            }
            out.add(SharedRoundTrip.Result.of(own));
        }
        return out;
    }

    /** What the member opted out of. */
    public Preferences of(String memberId) {
        Document d = consent().find(Filters.eq("_id", memberKey(memberId))).first();
        if (d == null) {
            return Preferences.NONE;
        }
        List<String> categories = d.getList("categories", String.class);
        return new Preferences(categories == null ? List.of() : categories, d.getBoolean("all", false));
    }

    /** Sets what the member opted out of, replacing what was there. */
    public void set(String memberId, Preferences preferences) {
        consent().replaceOne(Filters.eq("_id", memberKey(memberId)),
                new Document("_id", memberKey(memberId)).append("all", Boolean.TRUE.equals(preferences.optedOutOfAll()))
                        .append("categories", new ArrayList<>(new LinkedHashSet<>(preferences.optedOutOf())))
                        .append("at", Date.from(clock.instant())),
                new ReplaceOptions().upsert(true));
    }

    /** Opts each member out of the given categories, keeping their other opt-outs; {@code all} opts them out of everything. */
    public void optOut(Map<String, OptOut> byMember) {
        List<WriteModel<Document>> writes = new ArrayList<>(byMember.size());
        byMember.forEach((member, o) -> writes.add(optOutWrite(memberKey(member), o)));
        write(writes);
    }

    /** Suppresses the addresses of one kind ({@code email}, {@code fcm}, …): nothing is sent to them any more. */
    public void suppress(String kind, Collection<String> addresses) {
        List<WriteModel<Document>> writes = new ArrayList<>(addresses.size());
        addresses.forEach(a -> writes.add(optOutWrite(addressKey(kind, a), OptOut.EVERYTHING)));
        write(writes);
    }

    /** An opt-out to add: of some categories, or of everything. */
    public record OptOut(Set<String> categories, boolean all) {
        public static final OptOut EVERYTHING = new OptOut(Set.of(), true);
    }

    private UpdateOneModel<Document> optOutWrite(String key, OptOut o) {
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.set("at", Date.from(clock.instant())));
        updates.add(o.all() ? Updates.set("all", true) : Updates.setOnInsert("all", false));
        updates.add(Updates.addEachToSet("categories", new ArrayList<>(o.categories())));
        return new UpdateOneModel<>(Filters.eq("_id", key), Updates.combine(updates), new UpdateOptions().upsert(true));
    }

    private void write(List<WriteModel<Document>> writes) {
        for (int from = 0; from < writes.size(); from += SLICE) {
            consent().bulkWrite(writes.subList(from, Math.min(writes.size(), from + SLICE)));
        }
    }

    /** The members {@link OptedOut} keeps from a message by their id, and the addresses it keeps it from. */
    public record Refusals(Set<String> members, Set<String> addresses) {
        public boolean isEmpty() {
            return members.isEmpty() && addresses.isEmpty();
        }
    }

    /**
     * What {@link OptedOut} keeps a message of {@code category} from among {@code ids}: members by their id, and their
     * {@code kind} addresses ({@code addressesOf}: each of a member's devices has one; kind null when the channel needs
     * no address) each on its own, so a suppressed address keeps the message from that device only.
     */
    public Refusals optedOut(List<String> ids, String kind, Function<String, Collection<String>> addressesOf, String category) {
        List<String> keys = new ArrayList<>(kind == null ? ids.size() : ids.size() * 2);
        for (String id : ids) {
            keys.add(memberKey(id));
            if (kind != null) {
                addressesOf.apply(id).forEach(a -> keys.add(addressKey(kind, a)));
            }
        }
        Map<String, Document> found = keys.size() <= FEW ? fewLookups.request(keys) : find(keys);
        Refusals out = new Refusals(new HashSet<>(), new HashSet<>());
        if (found.isEmpty()) {
            return out;
        }
        for (String id : ids) {
            if (OptedOut.of(found.get(memberKey(id)), null, category)) {
                out.members().add(id);
            } else if (kind != null) {
                for (String address : addressesOf.apply(id)) {
                    if (OptedOut.of(null, found.get(addressKey(kind, address)), category)) {
                        out.addresses().add(address);
                    }
                }
            }
        }
        return out;
    }
}
