package dev.push.channel.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.TokenUtil;
import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.FanOut;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.channel.http.Backoff;
import dev.push.channel.personalization.PersonalMessage;
import dev.push.channel.personalization.Personalization;
import io.smallrye.mutiny.Uni;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;

/**
 * Sends through APNs with Pushy over HTTP/2, one notification per member, at most
 * {@code concurrency} in flight per sub-batch. {@code BadDeviceToken} and {@code Unregistered} fail
 * the member for good and mark the token invalid; throttling and server errors are tried again.
 * The {@code apns-id} is derived from the idempotency key, so a retry carries the same id.
 */
final class ApnsChannel implements Channel, AutoCloseable {
    static final Set<String> INVALID_TOKEN = Set.of("BadDeviceToken", "Unregistered");
    static final Set<String> RETRYABLE = Set.of("TooManyRequests", "InternalServerError", "ServiceUnavailable", "Shutdown");

    private final String name;
    private final ApnsSettings settings;
    private final ApnsClient client;
    private final Personalization personalization;
    private final Recipients recipients;

    ApnsChannel(String name, ApnsSettings settings, ApnsClient client, Personalization personalization, Recipients recipients) {
        this.name = name;
        this.settings = settings;
        this.client = client;
        this.personalization = personalization;
        this.recipients = recipients;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String addressKind() {
        return "apns";
    }

    @Override
    public boolean needsAttributes() {
        return true;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        return FanOut.markingInvalid(delivery.recipients(), settings.concurrency(), recipients, "apns",
                (r, invalid) -> sendOne(delivery, r, invalid));
    }

    private Uni<Outcome> sendOne(Delivery delivery, Delivery.Recipient r, Queue<Recipients.InvalidAddress> invalid) {
        SimpleApnsPushNotification notification;
        try {
            notification = notification(delivery, r);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "message does not render: " + e.getMessage(), false));
        }
        return send(notification, 1, System.nanoTime()).map(failure -> {
            if (failure == null) {
                return Outcome.sent(r.memberId());
            }
            if (failure.code() != null && INVALID_TOKEN.contains(failure.code())) {
                invalid.add(Recipients.InvalidAddress.of(r, failure.code()));
            }
            return Outcome.failed(r.memberId(), failure.reason(), failure.retryable());
        });
    }

    SimpleApnsPushNotification notification(Delivery delivery, Delivery.Recipient r) {
        PersonalMessage m = personalization.render(delivery, r);
        SimpleApnsPayloadBuilder payload = new SimpleApnsPayloadBuilder();
        if (m.title() != null) {
            payload.setAlertTitle(m.title());
        }
        if (m.body() != null) {
            payload.setAlertBody(m.body());
        }
        if (m.link() != null) {
            payload.addCustomProperty("link", m.link());
        }
        if (m.data() != null) {
            payload.addCustomProperty("data", m.data());
        }
        String key = delivery.idempotencyKey(r.memberId());
        payload.addCustomProperty("idempotencyKey", key);
        // apns-expiration, apns-priority and apns-collapse-id from the delivery's hints; APNs' defaults otherwise.
        Delivery.Hints hints = delivery.hints();
        Instant expiration = hints.expiresAt() != null ? hints.expiresAt()
                : Instant.now().plus(SimpleApnsPushNotification.DEFAULT_EXPIRATION_PERIOD);
        DeliveryPriority priority = Delivery.Hints.NORMAL.equals(hints.priority()) ? DeliveryPriority.CONSERVE_POWER
                : DeliveryPriority.IMMEDIATE;
        return new SimpleApnsPushNotification(TokenUtil.sanitizeTokenString(r.address()), settings.topic(), payload.build(),
                expiration, priority, PushType.ALERT, hints.collapseKey(), UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)));
    }

    record Failure(String code, String reason, boolean retryable) {
    }

    private Uni<Failure> send(SimpleApnsPushNotification n, int attempt, long since) {
        return Uni.createFrom().completionStage(() -> client.sendNotification(n))
                .map(ApnsChannel::failure)
                .onFailure().recoverWithItem(e -> new Failure(null, "APNs connection error: " + e.getMessage(), true))
                .onItem().transformToUni(f -> {
                    if (f == null || !f.retryable()) {
                        return Uni.createFrom().item(f);
                    }
                    if (attempt >= settings.backoff().attempts()) {
                        return Uni.createFrom().item(new Failure(f.code(), f.reason() + " (after " + attempt + " attempts)", true));
                    }
                    Backoff backoff = settings.backoff();
                    long wait = backoff.delayAfter(attempt);
                    if (!backoff.fits(since, wait)) {
                        return Uni.createFrom().item(new Failure(f.code(), f.reason() + " (retry budget of " + Backoff.describe(backoff.budgetMillis()) + " used up after " + attempt + " attempts)", true));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(Math.max(1, wait)))
                            .onItem().transformToUni(x -> send(n, attempt + 1, since));
                });
    }

    static Failure failure(PushNotificationResponse<SimpleApnsPushNotification> response) {
        if (response.isAccepted()) {
            return null;
        }
        String code = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        boolean retryable = RETRYABLE.contains(code) || response.getStatusCode() == 429 || response.getStatusCode() >= 500;
        return new Failure(code, response.getStatusCode() + " " + code, retryable);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "ApnsChannel[" + name + "]";
    }
}
