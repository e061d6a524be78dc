package dev.push.channel;

import dev.push.channel.personalization.PersonalMessage;
import io.vertx.core.json.JsonObject;

/**
 * A member's message as the JSON the webhook and Web Push channels send:
 * {@code {"campaign", "member"?, "idempotencyKey", "test"?, "title", "body", "link", "data"}}, absent fields left out.
 */
public final class MessageJson {
    private MessageJson() {
    }

    /** With {@code withMember}, the member's id too (a webhook receiver needs it; a browser knows whose it is). */
    public static JsonObject of(Delivery delivery, Delivery.Recipient r, PersonalMessage m, boolean withMember) {
        JsonObject o = new JsonObject().put("campaign", delivery.campaignId());
        if (withMember) {
            o.put("member", r.memberId());
        }
        o.put("idempotencyKey", delivery.idempotencyKey(r.memberId()));
        if (delivery.test()) {
            o.put("test", true);
        }
        if (m.title() != null) {
            o.put("title", m.title());
        }
        if (m.body() != null) {
            o.put("body", m.body());
        }
        if (m.link() != null) {
            o.put("link", m.link());
        }
        if (m.data() != null) {
            o.put("data", new JsonObject(m.data()));
        }
        return o;
    }
}
