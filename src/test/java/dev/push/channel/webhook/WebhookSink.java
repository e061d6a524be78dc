package dev.push.channel.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request it gets and answers as its
 * script says.
 */
public final class WebhookSink implements AutoCloseable {
    public record Received(String path, Map<String, String> headers, byte[] body, long atNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
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
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile Function<Received, Answer> script = r -> Answer.ok();

    public WebhookSink() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            Map<String, String> headers = new java.util.HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            Received r = new Received(req.path(), headers, buf.getBytes(), System.nanoTime());
            received.add(r);
            Answer a = script.apply(r);
            var resp = req.response().setStatusCode(a.status());
            a.headers().forEach(resp::putHeader);
            resp.end(a.body());
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    public void answer(Function<Received, Answer> script) {
        this.script = script;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void reset() {
        received.clear();
        script = r -> Answer.ok();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
