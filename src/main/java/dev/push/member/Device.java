package dev.push.member;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * One of a member's devices: an app install (an FCM or APNs {@code token}) or a browser (a Web Push
 * {@code subscription}, kept as its JSON text), with the {@code app} and {@code platform} a campaign may pick, the
 * device's {@code locale}, when its app back end last registered it ({@code lastSeen}) and whether campaigns still send
 * to it ({@code active}: false once its provider rejected the token). Stored in the member's {@code devices} array.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Device(String id, String channel, String token, @JsonRawValue String subscription, String app,
                     String platform, String locale, Instant lastSeen, boolean active) {
    /** The channels a device belongs to: the kinds of address that name one app install or browser. */
    public static final List<String> CHANNELS = List.of("fcm", "apns", "webpush");
    public static final String WEBPUSH = "webpush";

    /** What a campaign sends to: the token, or the subscription's JSON text. */
    public String address() {
        return WEBPUSH.equals(channel) ? subscription : token;
    }

    Document toDocument() {
        Document d = new Document("id", id).append("channel", channel).append("token", address());
        if (app != null) {
            d.append("app", app);
        }
        if (platform != null) {
            d.append("platform", platform);
        }
        if (locale != null) {
            d.append("locale", locale);
        }
        return d.append("lastSeen", lastSeen == null ? null : Date.from(lastSeen)).append("active", active);
    }

    static Device of(Document d) {
        String channel = d.getString("channel");
        String address = d.getString("token");
        Date seen = d.getDate("lastSeen");
        return new Device(d.getString("id"), channel, WEBPUSH.equals(channel) ? null : address,
                WEBPUSH.equals(channel) ? address : null, d.getString("app"), d.getString("platform"), d.getString("locale"),
                seen == null ? null : seen.toInstant(), d.getBoolean("active", true));
    }
}
