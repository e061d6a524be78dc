package dev.push.channel.fcm;

import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.FanOut;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.channel.http.Backoff;
import dev.push.channel.http.Excerpt;
import dev.push.channel.personalization.PersonalMessage;
import dev.push.channel.personalization.Personalization;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;

/**
 * Sends through FCM HTTP v1, one {@code messages:send} per member, at most {@code concurrency} at a
 * time per sub-batch. The timeout is for the answer once the request is out (an idle timeout): a request waiting for a
 * free HTTP/2 stream is not failed for the wait, which the channel's concurrency bounds. {@code UNREGISTERED}, and {@code INVALID_ARGUMENT} about the registration token, fail the
 * member for good and mark the token invalid, so later campaigns skip it. Quota, availability and
 * internal errors are tried again after a backoff or the Retry-After asked; a refused access token
 * is exchanged once more.
 */
final class FcmChannel implements Channel {
    static final Set<String> RETRYABLE = Set.of("QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED");

    private final String name;
    private final FcmSettings settings;
    private final String sendUrl;
    private final AccessTokens tokens;
    private final WebClient client;
    private final Personalization personalization;
    private final Recipients recipients;

    FcmChannel(String name, FcmSettings settings, String projectId, AccessTokens tokens, WebClient client,
               Personalization personalization, Recipients recipients) {
        this.name = name;
        this.settings = settings;
        this.sendUrl = settings.endpoint().replaceAll("/+$", "") + "/v1/projects/" + projectId + "/messages:send";
        this.tokens = tokens;
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
        return "fcm";
    }

    @Override
    public boolean needsAttributes() {
        return true;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        return FanOut.markingInvalid(delivery.recipients(), settings.concurrency(), recipients, "fcm",
                (r, invalid) -> sendOne(delivery, r, invalid));
    }

    private Uni<Outcome> sendOne(Delivery delivery, Delivery.Recipient r, Queue<Recipients.InvalidAddress> invalid) {
        byte[] body;
        try {
            body = message(delivery, r).toBuffer().getBytes();
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "message does not render: " + e.getMessage(), false));
        }
        return settings.backoff().retrying(() -> post(body, false), Answer::givenUp).map(answer -> {
            if (answer.ok()) {
                return Outcome.sent(r.memberId());
            }
            if (answer.invalidToken()) {
                invalid.add(Recipients.InvalidAddress.of(r, answer.code()));
            }
            return Outcome.failed(r.memberId(), answer.reason(), answer.retryable());
        });
    }

    JsonObject message(Delivery delivery, Delivery.Recipient r) {
        PersonalMessage m = personalization.render(delivery, r);
        JsonObject notification = new JsonObject();
        if (m.title() != null) {
            notification.put("title", m.title());
        }
        if (m.body() != null) {
            notification.put("body", m.body());
        }
        // FCM data values must be strings.
        JsonObject data = new JsonObject();
        if (m.data() != null) {
            m.data().forEach((k, v) -> data.put(k, v instanceof String s ? s : String.valueOf(v)));
        }
        if (m.link() != null) {
            data.put("link", m.link());
        }
        data.put("idempotencyKey", delivery.idempotencyKey(r.memberId()));
        JsonObject message = new JsonObject().put("token", r.address()).put("notification", notification).put("data", data);
        JsonObject android = android(delivery.hints());
        if (!android.isEmpty()) {
            message.put("android", android);
        }
        return new JsonObject().put("message", message);
    }

    /** FCM's Android options from the delivery's hints: {@code ttl} ("3600s"), {@code collapse_key}, {@code priority}. */
    static JsonObject android(Delivery.Hints hints) {
        JsonObject android = new JsonObject();
        if (hints.expiresAt() != null) {
            android.put("ttl", hints.ttlSeconds() + "s");
        }
        if (hints.collapseKey() != null) {
            android.put("collapse_key", hints.collapseKey());
        }
        if (hints.priority() != null) {
            android.put("priority", Delivery.Hints.HIGH.equals(hints.priority()) ? "HIGH" : "NORMAL");
        }
        return android;
    }

    /** What FCM answered to one message. */
    record Answer(boolean ok, String code, String reason, boolean retryable, boolean invalidToken, long retryAfterMillis)
            implements Backoff.Attempt {
        static final Answer OK = new Answer(true, null, null, false, false, -1);

        /** The last answer of a message the backoff stopped trying, {@code why} added to its reason. */
        Answer givenUp(String why) {
            return new Answer(false, code, reason + why, true, false, -1);
        }
    }

    /** One attempt; a refused access token is renewed and the message sent again once within it. */
    private Uni<Answer> post(byte[] body, boolean reauthorized) {
        return tokens.get().onItem().transformToUni(token -> client.postAbs(sendUrl).idleTimeout(settings.timeoutMs())
                        .putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json; UTF-8")
                        .sendBuffer(Buffer.buffer(body))
                        .map(response -> {
                            if (response.statusCode() == 401 && !reauthorized) {
                                tokens.refused(token);
                            }
                            return answer(response);
                        }))
                .onFailure().recoverWithItem(e -> new Answer(false, null, "FCM send failed: " + e.getMessage(), true, false, -1))
                .onItem().transformToUni(answer -> "UNAUTHENTICATED".equals(answer.code()) && !reauthorized
                        ? post(body, true) : Uni.createFrom().item(answer));
    }

    static Answer answer(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            return Answer.OK;
        }
        String code = null;
        String message = Excerpt.of(response.bodyAsString());
        try {
            JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
            code = error.getString("status");
            message = error.getString("message", message);
            JsonArray details = error.getJsonArray("details");
            if (details != null) {
                for (Object d : details) {
                    if (d instanceof JsonObject o && o.getString("@type", "").endsWith("google.firebase.fcm.v1.FcmError")
                            && o.getString("errorCode") != null) {
                        code = o.getString("errorCode");
                    }
                }
            }
        } catch (RuntimeException notJson) {
            // Not FCM's error shape (a proxy's page): the status decides.
        }
        if (code == null) {
            code = switch (status) {
                case 429 -> "QUOTA_EXCEEDED";
                case 401 -> "UNAUTHENTICATED";
                case 503 -> "UNAVAILABLE";
                case 500 -> "INTERNAL";
                default -> "HTTP_" + status;
            };
        }
        String reason = status + " " + code + (message == null || message.isEmpty() ? "" : ": " + Excerpt.of(message));
        boolean invalidToken = "UNREGISTERED".equals(code)
                || ("INVALID_ARGUMENT".equals(code) && message != null && message.toLowerCase().contains("registration token"));
        boolean retryable = !invalidToken && (RETRYABLE.contains(code) || status == 429 || status >= 500);
        long retryAfter = retryable ? Backoff.retryAfterMillis(response.getHeader("Retry-After"), System.currentTimeMillis()) : -1;
        return new Answer(false, code, reason, retryable, invalidToken, retryAfter);
    }

    @Override
    public String toString() {
        return "FcmChannel[" + name + "]";
    }
}
