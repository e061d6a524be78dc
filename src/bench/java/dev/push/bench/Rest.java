package dev.push.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;

/** The service's REST API as a user's script calls it. */
final class Rest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * The service the harness starts gets this admin password. Like a script should, the harness
     * uses it once to create an API token and then sends the token: HTTP Basic costs a bcrypt
     * verification on every request, which showed up as a third to a half of the service's CPU
     * while the harness polled a build's state.
     */
    static final String ADMIN_PASSWORD = "push-bench-admin";
    private final String base;
    private String authorization = "Basic " + java.util.Base64.getEncoder()
            .encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    Rest(String base) {
        this.base = base;
        authorization = "Bearer " + post("/api/tokens", Map.of("name", "bench")).path("token").asText();
    }

    /** The Authorization header value this client sends (a bench API token). */
    String authorization() {
        return authorization;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    JsonNode post(String path, Object body) {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(write(body));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(p));
    }

    JsonNode put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body))));
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Sends {@code count} generated lines as a streamed body. */
    JsonNode stream(String method, String path, String contentType, long count, IntFunction<String> line) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new Lines(count, line))));
    }

    /** A GET's body as text (the Prometheus page at {@code /q/metrics}, say). */
    String text(String path) {
        return body(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) {
        String body = body(request);
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(request.build().uri() + ": " + e, e);
        }
    }

    private String body(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.header("Authorization", authorization).timeout(Duration.ofHours(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered "
                        + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(request.build().uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> message() {
        return Map.of("title", "Bench", "body", "A benchmark message", "link", "https://example.org/bench");
    }

    /** Lines generated on the fly, so a body of ten million lines needs no file and no memory. */
    static final class Lines extends InputStream {
        private final long count;
        private final IntFunction<String> line;
        private long next;
        private byte[] current = new byte[0];
        private int pos;

        Lines(long count, IntFunction<String> line) {
            this.count = count;
            this.line = line;
        }

        private boolean fill() {
            while (pos >= current.length) {
                if (next >= count) {
                    return false;
                }
                StringBuilder b = new StringBuilder(8192);
                while (next < count && b.length() < 8000) {
                    b.append(line.apply((int) next++)).append('\n');
                }
                current = b.toString().getBytes(StandardCharsets.UTF_8);
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
