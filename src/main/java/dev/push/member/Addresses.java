package dev.push.member;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** Where a member can be reached, one address per channel; a channel without an address is null. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Addresses(String webhook, String email, String fcm, String apns, String webpush) {
    /** The channels that take an address from the member profile (the log channel needs none). */
    public static final List<String> CHANNELS = List.of("webhook", "email", "fcm", "apns", "webpush");
    public static final int MAX_LENGTH = 4096;
    public static final Addresses NONE = new Addresses(null, null, null, null, null);

    public String of(String channel) {
        return switch (channel) {
            case "webhook" -> webhook;
            case "email" -> email;
            case "fcm" -> fcm;
            case "apns" -> apns;
            case "webpush" -> webpush;
            default -> throw new IllegalArgumentException("channel " + channel + " has no member address");
        };
    }

    /** Checks one address as given in an import; throws IllegalArgumentException with the reason. */
    static String check(String channel, String address) {
        if (address.isEmpty()) {
            throw new IllegalArgumentException("address " + channel + " is empty");
        }
        if (address.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("address " + channel + " is longer than " + MAX_LENGTH + " characters");
        }
        // Light checks only: each channel validates for real when it sends.
        if (channel.equals("webhook") && !(address.startsWith("https://") || address.startsWith("http://"))) {
            throw new IllegalArgumentException("address webhook must be an http:// or https:// URL");
        }
        if (channel.equals("webpush")) {
            try {
                PushSubscription.parse(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("address webpush: " + e.getMessage());
            }
        }
        if (channel.equals("email") && address.indexOf('@') < 1) {
            throw new IllegalArgumentException("address email must contain @ after the local part");
        }
        return address;
    }

    static Addresses with(Addresses base, String channel, String address) {
        return switch (channel) {
            case "webhook" -> new Addresses(address, base.email, base.fcm, base.apns, base.webpush);
            case "email" -> new Addresses(base.webhook, address, base.fcm, base.apns, base.webpush);
            case "fcm" -> new Addresses(base.webhook, base.email, address, base.apns, base.webpush);
            case "apns" -> new Addresses(base.webhook, base.email, base.fcm, address, base.webpush);
            case "webpush" -> new Addresses(base.webhook, base.email, base.fcm, base.apns, address);
            default -> throw new IllegalArgumentException("unknown address \"" + channel + "\" (allowed: " + String.join(", ", CHANNELS) + ")");
        };
    }
}
