package dev.push.channel;

import org.bson.Document;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A member's devices as recipients: one per active device of the channel that the campaign's {@link DeviceChoice}
 * accepts, each personalized in the device's locale when it has one. A member with devices of a channel is sent to
 * on those only, never also at its single address of that kind (one app install would get the message twice).
 */
final class MemberDevices {
    private MemberDevices() {
    }

    /** Whether the member document has devices (active or not) of the channel. */
    static boolean have(Document member, String kind) {
        return member.getList("devices", Document.class, List.of()).stream().anyMatch(d -> kind.equals(d.getString("channel")));
    }

    /** Adds the member's recipients to {@code out}; false when none of its devices is chosen and active. */
    static boolean add(String memberId, Document member, String kind, DeviceChoice choice, Map<String, Object> attributes,
                       List<Delivery.Recipient> out) {
        boolean any = false;
        for (Document d : member.getList("devices", Document.class, List.of())) {
            if (!kind.equals(d.getString("channel")) || !d.getBoolean("active", true) || !choice.accepts(d)) {
                continue;
            }
            Map<String, Object> attrs = attributes;
            String locale = d.getString("locale");
            if (locale != null && !attributes.isEmpty()) {
                attrs = new LinkedHashMap<>(attributes);
                attrs.put(dev.push.channel.personalization.LocaleFallback.ATTRIBUTE, locale);
            }
            out.add(new Delivery.Recipient(memberId, d.getString("token"), attrs, d.getString("id")));
            any = true;
        }
        return any;
    }
}
