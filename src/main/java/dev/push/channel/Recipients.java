package dev.push.channel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.push.consent.Consents;
import dev.push.consent.OptedOut;
import dev.push.member.Device;
import dev.push.member.Devices;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who of a sub-batch a channel can reach, read with one {@code $in} per slice of ids: the
 * address the channel needs and, when it personalizes, the member's attributes. Members with no
 * address, or whose address a provider reported invalid ({@code invalid.<kind>} holds that address),
 * are skipped with the reason. A re-imported member with a new address is reachable again. Members who opted out of
 * the message's category ({@link OptedOut}) are skipped as {@value OptedOut#REASON}. On a device channel (fcm, apns,
 * webpush) a member with devices of the channel is reached on each active one ({@link MemberDevices}), which take the
 * place of its single address of that kind; a member without is reached at that address, as one device.
 */
@ApplicationScoped
public class Recipients {
    /** {@code $in} over 1,000 keys costs ~22 times one over 100 on the embedded server, so look up in slices. */
    static final int SLICE = 100;

    @Inject
    PushDatabase collections;

    @Inject
    Consents consents;

    @Inject
    Devices devices;

    private MongoCollection<Document> members() {
        return collections.get(PushDatabase.MEMBERS);
    }

    /**
     * The recipients of a message of {@code category} among {@code ids}, in order; adds a skipped outcome to
     * {@code skipped} for each of the others.
     */
    public List<Delivery.Recipient> of(List<String> ids, Channel channel, String category, List<Outcome> skipped) {
        return of(ids, channel, category, DeviceChoice.ANY, skipped);
    }

    /**
     * As {@link #of(List, Channel, String, List)}; on a device channel, a member with devices of the channel is one
     * recipient per active device {@code choice} accepts.
     */
    public List<Delivery.Recipient> of(List<String> ids, Channel channel, String category, DeviceChoice choice,
                                       List<Outcome> skipped) {
        List<Delivery.Recipient> reachable = reachable(ids, channel, choice, skipped);
        if (reachable.isEmpty()) {
            return reachable;
        }
        Map<String, List<String>> addresses = new LinkedHashMap<>(reachable.size() * 2);
        for (Delivery.Recipient r : reachable) {
            List<String> own = addresses.computeIfAbsent(r.memberId(), m -> new ArrayList<>(1));
            if (r.address() != null) {
                own.add(r.address());
            }
        }
        Consents.Refusals refused = consents.optedOut(new ArrayList<>(addresses.keySet()), channel.addressKind(),
                addresses::get, category);
        if (refused.isEmpty()) {
            return reachable;
        }
        // A member is skipped as opted out when none of its recipients is left; a suppressed address drops its device.
        List<Delivery.Recipient> out = new ArrayList<>(reachable.size());
        Set<String> kept = new HashSet<>();
        for (Delivery.Recipient r : reachable) {
            if (!refused.members().contains(r.memberId()) && (r.address() == null || !refused.addresses().contains(r.address()))) {
                out.add(r);
                kept.add(r.memberId());
            }
        }
        for (String m : addresses.keySet()) {
            if (!kept.contains(m)) {
                skipped.add(Outcome.skipped(m, OptedOut.REASON));
            }
        }
        return out;
    }

    private List<Delivery.Recipient> reachable(List<String> ids, Channel channel, DeviceChoice choice, List<Outcome> skipped) {
        String kind = channel.addressKind();
        boolean attributes = channel.needsAttributes();
        List<Delivery.Recipient> out = new ArrayList<>(ids.size());
        if (kind == null && !attributes) {
            ids.forEach(m -> out.add(new Delivery.Recipient(m, null)));
            return out;
        }
        boolean devices = kind != null && Device.CHANNELS.contains(kind);
        Map<String, Document> found = lookUp(ids, kind, attributes, devices);
        for (String m : ids) {
            Document doc = found.get(m);
            Map<String, Object> attrs = Map.of();
            if (attributes && doc != null && doc.get("attributes") instanceof Document a) {
                attrs = new LinkedHashMap<>(a);
            }
            if (devices && doc != null && MemberDevices.have(doc, kind)) {
                if (!MemberDevices.add(m, doc, kind, choice, attrs, out)) {
                    skipped.add(Outcome.skipped(m, "no active " + kind + " device" + (choice.any() ? "" : " of " + choice)));
                }
                continue;
            }
            String address = null;
            if (kind != null) {
                Document addresses = doc == null ? null : doc.get("addresses", Document.class);
                address = addresses == null ? null : addresses.getString(kind);
                if (address == null) {
                    skipped.add(Outcome.skipped(m, "no " + kind + " address"));
                    continue;
                }
                if (devices && !choice.any()) {
                    // A single address has no app or platform: a campaign that picks devices does not send to it.
                    skipped.add(Outcome.skipped(m, "no " + kind + " device of " + choice));
                    continue;
                }
                Document invalid = doc.get("invalid", Document.class);
                Document mark = invalid == null ? null : invalid.get(kind, Document.class);
                if (mark != null && address.equals(mark.getString("address"))) {
                    skipped.add(Outcome.skipped(m, kind + " address marked invalid: " + mark.getString("reason")));
                    continue;
                }
            }
            out.add(new Delivery.Recipient(m, address, attrs));
        }
        return out;
    }

    private Map<String, Document> lookUp(List<String> ids, String kind, boolean attributes, boolean devices) {
        List<String> fields = new ArrayList<>();
        if (kind != null) {
            fields.add("addresses." + kind);
            fields.add("invalid." + kind);
        }
        if (attributes) {
            fields.add("attributes");
        }
        if (devices) {
            fields.add("devices");
        }
        Bson projection = Projections.include(fields);
        Map<String, Document> found = new HashMap<>(ids.size() * 2);
        for (int from = 0; from < ids.size(); from += SLICE) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + SLICE));
            for (Document d : members().find(Filters.in("_id", slice)).projection(projection)) {
                found.put(d.getString("_id"), d);
            }
        }
        return found;
    }

    /**
     * An address a provider reported invalid, per member: later sends skip it while it stays the member's address. On
     * a device ({@code device} not null) it deactivates that device only.
     */
    public record InvalidAddress(String memberId, String address, String reason, String device) {
        public InvalidAddress(String memberId, String address, String reason) {
            this(memberId, address, reason, null);
        }

        /** The recipient's address (or device) reported invalid. */
        public static InvalidAddress of(Delivery.Recipient r, String reason) {
            return new InvalidAddress(r.memberId(), r.address(), reason, r.device());
        }
    }

    /** Marks addresses of one kind invalid and deactivates the devices among them, a bulk write for each. */
    public void markInvalid(String kind, List<InvalidAddress> invalid) {
        List<Devices.Rejected> rejected = new ArrayList<>();
        List<InvalidAddress> addresses = new ArrayList<>();
        for (InvalidAddress i : invalid) {
            if (i.device() != null) {
                rejected.add(new Devices.Rejected(i.memberId(), i.device(), i.address(), i.reason()));
            } else {
                addresses.add(i);
            }
        }
        devices.deactivate(rejected);
        if (addresses.isEmpty()) {
            return;
        }
        Date now = new Date();
        List<WriteModel<Document>> writes = new ArrayList<>(addresses.size());
        for (InvalidAddress i : addresses) {
            writes.add(new UpdateOneModel<>(Filters.eq("_id", i.memberId()), Updates.set("invalid." + kind,
                    new Document("address", i.address()).append("reason", i.reason()).append("at", now))));
        }
        members().bulkWrite(writes);
    }
}
