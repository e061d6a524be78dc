package dev.push.channel.webpush;

import com.interaso.webpush.WebPush;
import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.FanOut;
import dev.push.channel.MessageJson;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.channel.http.Backoff;
import dev.push.channel.http.DestinationGuard;
import dev.push.channel.http.SendFailure;
import dev.push.channel.personalization.Personalization;
import dev.push.member.PushSubscription;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends to browsers through their push services (RFC 8030), one request per member: the payload encrypted for the
 * member's subscription ({@code aes128gcm}, RFC 8291) and signed for by the channel's VAPID key (RFC 8292), both by
 * {@link WebPush}. 201 (any 2xx) is sent; 404 and 410 mean the subscription is gone: the member fails for good and the
 * address is marked invalid, so later campaigns skip it; 429 and 5xx are tried again after {@link Backoff} or the
 * Retry-After asked; any other answer is a permanent failure. Endpoints go only where {@link DestinationGuard} allows.
 */
final class WebPushChannel implements Channel {
    /** A VAPID token is valid 12 hours; one is signed per push service origin and used for an hour. */
    private static final long TOKEN_REUSE_NANOS = 3_600_000_000_000L;
    /** How a failure that deactivates the address starts. */
    private static final String GONE = "subscription gone";

    private final String name;
    private final WebPushSettings settings;
    private final WebPush webPush;
    private final WebClient http2;
    private final WebClient http1;
    private final Personalization personalization;
    private final Recipients recipients;
    private final DestinationGuard guard;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    WebPushChannel(String name, WebPushSettings settings, WebPush webPush, WebClient http2, WebClient http1,
                   Personalization personalization, Recipients recipients, DestinationGuard guard) {
        this.name = name;
        this.settings = settings;
        this.webPush = webPush;
        this.http2 = http2;
        this.http1 = http1;
        this.personalization = personalization;
        this.recipients = recipients;
        this.guard = guard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String addressKind() {
        return "webpush";
    }

    @Override
    public boolean needsAttributes() {
        return true;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        return FanOut.markingInvalid(delivery.recipients(), settings.concurrency(), recipients, "webpush",
                (r, gone) -> sendOne(delivery, r, gone));
    }

    private Uni<Outcome> sendOne(Delivery delivery, Delivery.Recipient r, Queue<Recipients.InvalidAddress> gone) {
        PushSubscription subscription;
        try {
            subscription = PushSubscription.parse(r.address());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "webpush address: " + e.getMessage(), false));
        }
        byte[] payload;
        try {
            payload = payload(delivery, r).toBuffer().getBytes();
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "message does not render: " + e.getMessage(), false));
        }
        Delivery.Hints hints = delivery.hints();
        return settings.backoff().retrying(() -> attempt(subscription, payload, hints)).map(failure -> {
            if (failure == null) {
                return Outcome.sent(r.memberId());
            }
            if (failure.reason().startsWith(GONE)) {
                gone.add(Recipients.InvalidAddress.of(r, failure.reason()));
            }
            return Outcome.failed(r.memberId(), failure.reason(), failure.retryable());
        });
    }

    /** What the service worker receives: the personalized message as JSON. */
    JsonObject payload(Delivery delivery, Delivery.Recipient r) {
        return MessageJson.of(delivery, r, personalization.render(delivery, r), false);
    }

    /** One request; the body is encrypted again for each attempt (a fresh key and salt each time, as RFC 8291 wants). */
    private Uni<SendFailure> attempt(PushSubscription subscription, byte[] payload, Delivery.Hints hints) {
        return guard.resolve(subscription.endpoint()).onItemOrFailure().transformToUni((to, error) -> {
            if (error instanceof DestinationGuard.Refused refused) {
                return Uni.createFrom().item(SendFailure.permanent(refused.getMessage()));
            }
            if (error != null) {
                return Uni.createFrom().item(SendFailure.retryable("cannot resolve the push service's host: " + error.getMessage()));
            }
            HttpRequest<Buffer> request;
            byte[] body;
            try {
                body = webPush.getBody(payload, subscription.p256dh(), subscription.auth());
                request = client(subscription.endpoint()).requestAbs(HttpMethod.POST, to.server(), subscription.endpoint())
                        .idleTimeout(settings.timeoutMs());
                webPush.getHeadersWithToken(token(subscription.endpoint()), ttl(hints), topic(hints.collapseKey()),
                        urgency(hints)).forEach(request::putHeader);
            } catch (RuntimeException e) {
                return Uni.createFrom().item(SendFailure.permanent("cannot prepare the push: " + e.getMessage()));
            }
            return request.sendBuffer(Buffer.buffer(body)).onItemOrFailure().transform((response, failed) ->
                    failed != null ? SendFailure.ofError(failed, settings.timeoutMs()) : failure(response));
        });
    }

    /** The campaign's time left when it expires sooner than the channel's TTL. */
    private int ttl(Delivery.Hints hints) {
        return hints.expiresAt() == null ? settings.ttlSeconds() : (int) Math.min(settings.ttlSeconds(), hints.ttlSeconds());
    }

    private WebPush.Urgency urgency(Delivery.Hints hints) {
        if (Delivery.Hints.HIGH.equals(hints.priority())) {
            return WebPush.Urgency.High;
        }
        return Delivery.Hints.NORMAL.equals(hints.priority()) ? WebPush.Urgency.Normal : settings.urgency();
    }

    /**
     * RFC 8030's Topic (a newer push replaces an undelivered one of the same topic) allows at most 32 characters of the
     * URL-safe base64 alphabet; a collapse key outside that is replaced by the start of its SHA-256, base64url.
     */
    static String topic(String collapseKey) {
        if (collapseKey == null) {
            return null;
        }
        if (collapseKey.length() <= 32 && collapseKey.matches("[A-Za-z0-9_-]+")) {
            return collapseKey;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(collapseKey.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Push services speak HTTP/2 (negotiated over TLS), which carries many pushes on one connection; a cleartext
     * endpoint (a push service on loopback) gets HTTP/1.1.
     */
    private WebClient client(String endpoint) {
        return endpoint.startsWith("https://") ? http2 : http1;
    }

    private String token(String endpoint) {
        String audience = webPush.getAudience(endpoint);
        long now = System.nanoTime();
        return tokens.compute(audience, (a, t) -> t != null && now - t.signedAt() < TOKEN_REUSE_NANOS
                ? t : new Token(webPush.getToken(a, 12 * 60 * 60), now)).jwt();
    }

    private record Token(String jwt, long signedAt) {
    }

    private static SendFailure failure(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 404 || status == 410) {
            return SendFailure.permanent(GONE + " (" + status
                    + (response.statusMessage() == null ? "" : " " + response.statusMessage()) + ")");
        }
        return SendFailure.ofAnswer(status, response.statusMessage(), response.getHeader("Retry-After"), () -> null);
    }

    @Override
    public String toString() {
        return "WebPushChannel[" + name + "]";
    }
}
