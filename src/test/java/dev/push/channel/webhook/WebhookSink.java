package dev.push.channel.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The tests' HTTP receiver on 127.0.0.1 (webhook channel tests, campaign tests, cluster fault
 * tests through {@code DeliverySink}, the benchmark): counts every request, answers as its script
 * says, and keeps each request unless made {@link #counting()} (a benchmark's million deliveries
 * would not fit in memory).
 */
public final class WebhookSink implements AutoCloseable {
    /** One request as it arrived: {@code atNanos} to measure intervals, {@code atMillis} wall-clock time. */
    public record Received(String path, Map<String, String> headers, byte[] body, long atNanos, long atMillis) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer ok() {
            return new Answer(200, Map.of(), "");
        }

        public static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final boolean keep;
    private final AtomicLong count = new AtomicLong();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile Function<Received, Answer> script = r -> Answer.ok();
    private volatile long answerAfterMillis;

    /** A sink that keeps every request. */
    public WebhookSink() throws Exception {
        this(true);
    }

    /** A sink that only counts the requests (its script still sees each one). */
    public static WebhookSink counting() throws Exception {
        return new WebhookSink(false);
    }

    private WebhookSink(boolean keep) throws Exception {
        this.keep = keep;
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            Map<String, String> headers = new HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            Received r = new Received(req.path(), headers, buf.getBytes(), System.nanoTime(), System.currentTimeMillis());
            if (this.keep) {
                received.add(r);
            }
            count.incrementAndGet();
            Answer a = script.apply(r);
            var resp = req.response().setStatusCode(a.status());
            a.headers().forEach(resp::putHeader);
            long after = answerAfterMillis;
            if (after > 0) {
                vertx.setTimer(after, t -> resp.end(a.body()));
            } else {
                resp.end(a.body());
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** How the sink answers from now on; it sees every request, on the sink's event loop. */
    public void answer(Function<Received, Answer> script) {
        this.script = script;
    }

    /**
     * Holds every answer this long (the request is recorded and scripted at once): a slow receiver, so that pushes
     * are in flight when a fault test kills their sender.
     */
    public void answerAfter(java.time.Duration delay) {
        answerAfterMillis = delay.toMillis();
    }

    /** The requests kept so far, in arrival order (none for a {@link #counting()} sink). */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** How many requests arrived since the start or the last {@link #reset()}. */
    public long count() {
        return count.get();
    }

    public void reset() {
        received.clear();
        count.set(0);
        script = r -> Answer.ok();
        answerAfterMillis = 0;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
