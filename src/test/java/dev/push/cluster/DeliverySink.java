package dev.push.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/** A webhook receiver on loopback that records every delivery it accepts: campaign, member, time. */
final class DeliverySink implements AutoCloseable {
    record Received(long campaign, String member, long atMillis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    DeliverySink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = JSON.readTree(in);
                long now = System.currentTimeMillis();
                for (JsonNode d : body.isArray() ? body : List.of(body)) {
                    received.add(new Received(d.get("campaign").asLong(), d.get("member").asText(), now));
                }
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Received> of(long campaign) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.campaign() == campaign) {
                out.add(r);
            }
        }
        return out;
    }

    /** Members received more than once for a campaign. */
    List<String> duplicates(long campaign) {
        Map<String, Integer> times = new HashMap<>();
        of(campaign).forEach(r -> times.merge(r.member(), 1, Integer::sum));
        return times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
