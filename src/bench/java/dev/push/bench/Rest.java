package dev.push.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.push.training.ApiClient;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongUnaryOperator;

/** The service's REST API as a user's script calls it. */
final class Rest {
    /** The admin password of the service the harness starts; used once, to create the bench's API token. */
    static final String ADMIN_PASSWORD = "push-bench-admin";
    private final ApiClient api;

    Rest(String base) {
        api = new ApiClient(URI.create(base), ADMIN_PASSWORD, "bench", Duration.ofHours(2));
    }

    /** The Authorization header value this client sends (a bench API token). */
    String authorization() {
        return api.authorization();
    }

    JsonNode get(String path) {
        return api.get(path);
    }

    JsonNode post(String path, Object body) {
        return api.post(path, body);
    }

    JsonNode put(String path, Object body) {
        return api.put(path, body);
    }

    JsonNode delete(String path) {
        return api.delete(path);
    }

    /** Polls a build or a campaign until it is finished ({@link ApiClient#awaitFinished}). */
    JsonNode awaitFinished(String kinds, long id, Duration limit, LongUnaryOperator pollMillis) {
        return api.awaitFinished(kinds, id, limit, pollMillis);
    }

    /** Sends {@code count} generated lines as a streamed body. */
    JsonNode stream(String method, String path, String contentType, long count, IntFunction<String> line) {
        return api.send(api.request(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new Lines(count, line))));
    }

    /** A GET's body as text (the Prometheus page at {@code /q/metrics}, say). */
    String text(String path) {
        return api.text(api.request(path).GET());
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
