package dev.push.training;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The work of a day, in small: what operators and app back ends ask of the service through its REST API, over
 * {@code members} members of its own (ids and names carry {@code tag}, so it can share a database with other data and
 * count exactly its own). Members imported as NDJSON; audiences from an upload with duplicates, from a query and from
 * the intersection and difference of two others; log campaigns with one and four workers, one from a saved template
 * with a French variant; triggered sends from eight clients, each key sent twice.
 */
final class TrainingWorkload {

    /** Clients sending at once, as an app back end's request threads do. */
    static final int SEND_CLIENTS = 8;
    /** How long a request, or a build or campaign, may take before the run fails. */
    static final Duration TASK_LIMIT = Duration.ofMinutes(10);

    /** What the run did, counted by the service: each figure exact for a run over its own members. */
    record Summary(long imported, long uploadAudience, long queryAudience, long intersect, long exclude,
                   List<Long> campaignsSent, long sendsSent, long sendsReplayed) {
    }

    private final ApiClient api;
    private final String tag;
    private final int members;

    TrainingWorkload(ApiClient api, String tag, int members) {
        this.api = api;
        this.tag = tag;
        this.members = members;
    }

    Summary run() {
        long imported = importMembers().path("imported").asLong();

        long upload = audience(Map.of("kind", "upload"));
        upload(upload,
                IntStream.range(0, members).mapToObj(i -> memberId(i % 10 == 9 ? i - 5 : i) + "\n").collect(Collectors.joining()));
        long uploadSize = build(upload);
        long query = audience(Map.of("kind", "query", "filter", Map.of("run", tag, "visits", Map.of("$gte", 10))));
        long querySize = build(query);
        long first = uploaded(0, members / 2);
        long second = uploaded(members / 4, members / 2);
        long intersect = build(audience(Map.of("kind", "combine", "op", "intersect", "audiences", List.of(first, second))));
        long exclude = build(audience(Map.of("kind", "combine", "op", "exclude", "audiences", List.of(first, second))));

        String template = tag + "-template";
        api.post("/api/templates", Map.of("name", template, "title", "Hello {member.attributes.plan}", "body", "A training message",
                "link", "https://example.org/training", "locales", Map.of("fr", Map.of("title", "Bonjour"))));
        List<Long> sent = new ArrayList<>();
        sent.add(campaign(Map.of("name", tag + " 1 worker", "audienceId", query, "channel", "log", "workers", 1,
                "message", message())));
        sent.add(campaign(Map.of("name", tag + " 4 workers", "audienceId", upload, "channel", "log", "workers", 4,
                "template", template)));
        long[] sends = triggeredSends(template);
        api.get("/api/campaigns");
        api.get("/api/audiences");
        return new Summary(imported, uploadSize, querySize, intersect, exclude, sent, sends[0], sends[1]);
    }

    private JsonNode importMembers() {
        String lines = IntStream.range(0, members).mapToObj(i -> "{\"id\":\"" + memberId(i) + "\",\"attributes\":{\"run\":\""
                + tag + "\",\"visits\":" + (i % 20) + ",\"plan\":\"" + (i % 3 == 0 ? "pro" : "free") + "\""
                + (i % 4 == 0 ? ",\"locale\":\"fr\"" : "") + "}}\n").collect(Collectors.joining());
        return api.send(api.request("/api/members/import").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    private long uploaded(int from, int count) {
        long id = audience(Map.of("kind", "upload"));
        upload(id,
                IntStream.range(from, from + count).mapToObj(i -> memberId(i) + "\n").collect(Collectors.joining()));
        build(id);
        return id;
    }

    private void upload(long audience, String lines) {
        api.send(api.request("/api/audiences/" + audience + "/upload").header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(lines)));
    }

    private long audience(Map<String, Object> source) {
        return api.post("/api/audiences", Map.of("name", tag + " " + source.get("kind"), "workers", 4, "source", source))
                .path("id").asLong();
    }

    /** Builds an audience and answers its size. */
    private long build(long audience) {
        return finished("audiences", audience).path("progress").path("sent").asLong();
    }

    /** Runs a campaign and answers how many it sent. */
    private long campaign(Map<String, Object> request) {
        return finished("campaigns", api.post("/api/campaigns", request).path("id").asLong()).path("progress").path("sent").asLong();
    }

    private JsonNode finished(String kinds, long id) {
        api.post("/api/" + kinds + "/" + id + "/start", null);
        return api.awaitFinished(kinds, id, TASK_LIMIT, elapsed -> 20);
    }

    /**
     * One send per member of the first tenth, from {@link #SEND_CLIENTS} clients, then each key again (answered with the
     * first send, sending nothing); every fourth names the template. Answers {members sent, replays answered with the
     * first send's id}.
     */
    private long[] triggeredSends(String template) {
        int count = Math.max(1, members / 10);
        ExecutorService clients = Executors.newFixedThreadPool(SEND_CLIENTS);
        try {
            long sent = 0;
            long replayed = 0;
            long[] firstIds = new long[count];
            for (int round = 0; round < 2; round++) {
                List<Future<JsonNode>> answers = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int member = i;
                    Map<String, Object> body = member % 4 == 0
                            ? Map.of("members", List.of(memberId(member)), "channel", "log", "template", template)
                            : Map.of("members", List.of(memberId(member)), "channel", "log", "message", message());
                    answers.add(clients.submit(() -> api.send(api.request("/api/sends").header("Idempotency-Key", tag + "-" + member)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ApiClient.json(body))))));
                }
                for (int i = 0; i < count; i++) {
                    JsonNode send = answers.get(i).get();
                    if (round == 0) {
                        firstIds[i] = send.path("id").asLong();
                        sent += send.path("counts").path("sent").asLong();
                    } else if (send.path("id").asLong() == firstIds[i]) {
                        replayed++;
                    }
                }
                api.get("/api/sends/" + firstIds[0]);
            }
            return new long[] {sent, replayed};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            clients.shutdownNow();
        }
    }

    private String memberId(int i) {
        return tag + "-" + i;
    }

    private static Map<String, Object> message() {
        return Map.of("title", "Training", "body", "A training message", "link", "https://example.org/training");
    }
}
