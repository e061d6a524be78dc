package dev.push.channel.webhook;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The tests' HTTP receiver on 127.0.0.1 (webhook channel tests, campaign tests, cluster fault
 * tests through {@code DeliverySink}, the benchmark): counts every request, answers as its script
 * says, and keeps each request unless made {@link #counting()} (a benchmark's million deliveries
 * would not fit in memory). The requests not answered yet are kept either way, until answered.
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
    private final Set<Received> unanswered = ConcurrentHashMap.newKeySet();
    private volatile Function<Received, Answer> script = r -> Answer.ok();
    private volatile long answerAfterMillis;
    /** Answers due while held, each to run on its request's context; guarded by itself, as is {@link #holding}. */
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

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
            unanswered.add(r);
            count.incrementAndGet();
            Answer a = script.apply(r);
            var resp = req.response().setStatusCode(a.status());
            a.headers().forEach(resp::putHeader);
            Context context = vertx.getOrCreateContext();
            Runnable end = () -> {
                try {
                    resp.end(a.body());
                } finally {
                    unanswered.remove(r);
                }
            };
            long after = answerAfterMillis;
            if (after > 0) {
                vertx.setTimer(after, t -> answerUnlessHeld(context, end));
            } else {
                answerUnlessHeld(context, end);
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

    private void answerUnlessHeld(Context context, Runnable end) {
        synchronized (held) {
            if (holding) {
                held.add(() -> context.runOnContext(v -> end.run()));
                return;
            }
        }
        end.run();
    }

    /**
     * Sends no answer until {@link #releaseAnswers()}: whatever the script and {@link #answerAfter} say, every request
     * received stays unanswered meanwhile, so a fault test can kill a sender while it surely has pushes in flight.
     * Hold for less than the senders' timeout, or they send again.
     */
    public void holdAnswers() {
        synchronized (held) {
            holding = true;
        }
    }

    /** Sends the answers held since {@link #holdAnswers()}, and answers as before from now on. */
    public void releaseAnswers() {
        List<Runnable> due;
        synchronized (held) {
            holding = false;
            due = new ArrayList<>(held);
            held.clear();
        }
        due.forEach(Runnable::run);
    }

    /** The requests received and not answered yet (held, or waiting out {@link #answerAfter}), kept or not. */
    public List<Received> unanswered() {
        return List.copyOf(unanswered);
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
        releaseAnswers();
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
