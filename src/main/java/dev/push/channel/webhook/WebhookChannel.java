package dev.push.channel.webhook;

import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.FanOut;
import dev.push.channel.MessageJson;
import dev.push.channel.Outcome;
import dev.push.channel.http.Backoff;
import dev.push.channel.http.DestinationGuard;
import dev.push.channel.http.Excerpt;
import dev.push.channel.http.SendFailure;
import dev.push.channel.personalization.Personalization;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POSTs each member's personalized message as JSON, to the channel's endpoint or to the member's
 * webhook address. Headers: {@code Idempotency-Key: <campaign>:<member>} (in batch mode, each array
 * element carries its key and the header names the batch), and {@link Signature#HEADER} when the
 * channel has a secret. 2xx is sent; 429, 5xx, timeouts and connection errors are tried again after
 * {@link Backoff} (or the provider's Retry-After) and end as retryable failures; any other answer is
 * a permanent failure with the status (and the start of the body from a public receiver). Requests
 * go only where {@link DestinationGuard} allows.
 */
final class WebhookChannel implements Channel {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final String name;
    private final WebhookSettings settings;
    private final Signature signature;
    private final WebClient client;
    private final Personalization personalization;
    private final DestinationGuard guard;

    WebhookChannel(String name, WebhookSettings settings, Signature signature, WebClient client,
                   Personalization personalization, DestinationGuard guard) {
        this.name = name;
        this.settings = settings;
        this.signature = signature;
        this.client = client;
        this.personalization = personalization;
        this.guard = guard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String addressKind() {
        return settings.endpoint() == null ? "webhook" : null;
    }

    @Override
    public boolean needsAttributes() {
        return true;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        return settings.batch() ? sendBatches(delivery) : sendEach(delivery);
    }

    private Uni<List<Outcome>> sendEach(Delivery delivery) {
        return FanOut.each(delivery.recipients(), settings.concurrency(), r -> sendOne(delivery, r));
    }

    private Uni<Outcome> sendOne(Delivery delivery, Delivery.Recipient r) {
        JsonObject body;
        try {
            body = element(delivery, r);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "message does not render: " + e.getMessage(), false));
        }
        String url = urlOf(r);
        return post(url, delivery.idempotencyKey(r.memberId()), body.toBuffer().getBytes())
                .map(failure -> failure == null ? Outcome.sent(r.memberId())
                        : Outcome.failed(r.memberId(), failure.reason(), failure.retryable()));
    }

    /** One request per URL: with an endpoint that is one per sub-batch. */
    private Uni<List<Outcome>> sendBatches(Delivery delivery) {
        Map<String, List<Integer>> byUrl = new LinkedHashMap<>();
        List<Delivery.Recipient> rs = delivery.recipients();
        for (int i = 0; i < rs.size(); i++) {
            byUrl.computeIfAbsent(urlOf(rs.get(i)), u -> new ArrayList<>()).add(i);
        }
        Outcome[] outcomes = new Outcome[rs.size()];
        return Multi.createFrom().iterable(byUrl.entrySet())
                .onItem().transformToUni(e -> {
                    JsonArray array = new JsonArray();
                    List<Integer> positions = new ArrayList<>();
                    for (int i : e.getValue()) {
                        Delivery.Recipient r = rs.get(i);
                        try {
                            array.add(element(delivery, r));
                            positions.add(i);
                        } catch (RuntimeException ex) {
                            outcomes[i] = Outcome.failed(r.memberId(), "message does not render: " + ex.getMessage(), false);
                        }
                    }
                    if (positions.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    String first = rs.get(positions.get(0)).memberId();
                    String batchKey = delivery.idempotencyKey(first) + "+" + (positions.size() - 1);
                    return post(e.getKey(), batchKey, array.toBuffer().getBytes()).invoke(failure -> {
                        for (int i : positions) {
                            String m = rs.get(i).memberId();
                            outcomes[i] = failure == null ? Outcome.sent(m) : Outcome.failed(m, failure.reason(), failure.retryable());
                        }
                    }).replaceWithVoid();
                })
                .merge(settings.concurrency())
                .collect().last()
                .map(x -> Arrays.asList(outcomes));
    }

    private String urlOf(Delivery.Recipient r) {
        return settings.endpoint() != null ? settings.endpoint() : r.address();
    }

    private JsonObject element(Delivery delivery, Delivery.Recipient r) {
        JsonObject o = MessageJson.of(delivery, r, personalization.render(delivery, r), true);
        Delivery.Hints hints = delivery.hints();
        if (hints.expiresAt() != null) {
            o.put("expiresAt", hints.expiresAt().toString()).put("ttl", hints.ttlSeconds());
        }
        if (hints.collapseKey() != null) {
            o.put("collapseKey", hints.collapseKey());
        }
        if (hints.priority() != null) {
            o.put("priority", hints.priority());
        }
        return o;
    }

    /** Answers null when the receiver accepted the body, else the failure after the last attempt. */
    private Uni<SendFailure> post(String url, String key, byte[] body) {
        return settings.backoff().retrying(() -> attempt(url, key, body));
    }

    /**
     * One request, to the address {@link DestinationGuard} checked for the URL's host (resolved
     * again on every attempt); a refused destination is a permanent failure and is never contacted.
     */
    private Uni<SendFailure> attempt(String url, String key, byte[] body) {
        return guard.resolve(url).onItemOrFailure().transformToUni((to, error) -> {
            if (error instanceof DestinationGuard.Refused refused) {
                return Uni.createFrom().item(new SendFailure(refused.getMessage(), false, -1));
            }
            if (error != null) {
                return Uni.createFrom().item(new SendFailure("cannot resolve the webhook's host: " + error.getMessage(), true, -1));
            }
            Uni<HttpResponse<Buffer>> answer;
            try {
                HttpRequest<Buffer> request = client.requestAbs(HttpMethod.POST, to.server(), url).timeout(settings.timeoutMs())
                        .putHeader("Content-Type", "application/json")
                        .putHeader(IDEMPOTENCY_KEY, key);
                if (signature != null) {
                    request.putHeader(Signature.HEADER, signature.of(body));
                }
                answer = request.sendBuffer(Buffer.buffer(body));
            } catch (RuntimeException e) {
                return Uni.createFrom().item(new SendFailure("invalid webhook URL: " + e.getMessage(), false, -1));
            }
            return answer.onItemOrFailure().transform((response, failed) -> failed != null
                    ? SendFailure.ofError(failed, settings.timeoutMs()) : failure(response, to.isPublic()));
        });
    }

    /**
     * The status line, and the start of the body only from a receiver on the public internet: an
     * internal service's answer must not be readable through a test send's reason.
     */
    static SendFailure failure(HttpResponse<Buffer> response, boolean quoteBody) {
        return SendFailure.ofAnswer(response.statusCode(), response.statusMessage(), response.getHeader("Retry-After"),
                () -> quoteBody ? Excerpt.of(response.bodyAsString()) : "");
    }

    @Override
    public String toString() {
        return "WebhookChannel[" + name + "]";
    }
}
