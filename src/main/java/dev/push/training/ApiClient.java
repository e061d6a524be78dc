package dev.push.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * The service's REST API as a user's script calls it: JSON in and out, an answer of 300 or more an exception naming the
 * request. Like a script should, it signs in as admin once, to create an API token, and then sends the token: HTTP
 * Basic costs a bcrypt verification now and then (docs/security.md). The training run and the benchmark harness use it.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Duration timeout;
    private String authorization;

    /** Signs in as admin with {@code adminPassword} and creates a token named {@code tokenName}. */
    public ApiClient(URI base, String adminPassword, String tokenName, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        this.authorization = "Bearer " + post("/api/tokens", Map.of("name", tokenName)).path("token").asText();
    }

    /** The Authorization header value this client sends (its API token). */
    public String authorization() {
        return authorization;
    }

    public JsonNode get(String path) {
        return send(request(path).GET());
    }

    public JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public JsonNode put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /** A request to {@code path} with this client's timeout, for a body other than JSON. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
    }

    /** Sends a request built by {@link #request} and reads its answer as JSON (null for an empty one). */
    public JsonNode send(HttpRequest.Builder request) {
        String body = text(request);
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(request.build().uri() + ": " + e, e);
        }
    }

    /** Sends a request built by {@link #request} and answers its body as it came. */
    public String text(HttpRequest.Builder request) {
        HttpRequest r = request.header("Authorization", authorization).build();
        try {
            HttpResponse<String> answer = client.send(r, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() >= 300) {
                throw new IllegalStateException(r.method() + " " + r.uri() + " answered " + answer.statusCode() + ": "
                        + answer.body());
            }
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Polls a build or a campaign ({@code kinds}: {@code audiences} or {@code campaigns}) until it answers
     * {@code finished}, asking again {@code pollMillis(ms elapsed)} ms later. Ends with an exception when it fails, is
     * stopped, or has not finished within {@code limit}.
     */
    public JsonNode awaitFinished(String kinds, long id, Duration limit, LongUnaryOperator pollMillis) {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (true) {
            JsonNode task = get("/api/" + kinds + "/" + id);
            String state = task.path("state").asText();
            if (state.equals("finished")) {
                return task;
            }
            if (state.equals("failed") || state.equals("stopped")) {
                throw new IllegalStateException(kinds + " " + id + " " + state + ": " + task.path("stateReason").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(kinds + " " + id + " did not finish within " + limit + "; it is " + state
                        + " at " + task.path("progress").path("processed").asLong() + " processed");
            }
            try {
                Thread.sleep(pollMillis.applyAsLong(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code body} as JSON text. */
    public static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
