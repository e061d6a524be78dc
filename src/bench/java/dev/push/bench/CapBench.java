package dev.push.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The cost of frequency caps (issue 14), not a test: starts the packaged service on the embedded H2 database, builds an
 * audience of {@code --members} (1,000,000) uploaded ids, and times log-channel campaigns of the news category over
 * it, 4 workers each, start to finished, in this order: uncapped; capped (news over all channels, 2 a day and 5 a
 * week: every member's first push, each takes its slot with the rule's upsert, which inserts its state); capped again
 * (every member has a state, which the same write updates); uncapped again. The uncapped figure compared with is the faster of the two.
 * Each campaign also reports the service's CPU time a member (start to finished, from {@code /proc}): on this shared
 * machine the rates move with the other load, the CPU a member much less.
 * Usage: {@code bench/run caps [--members N] [--xmx 512m]}.
 */
public final class CapBench {
    public static void main(String[] args) throws Exception {
        LoadOptions o = LoadOptions.parse(args, 1_000_000);
        int members = o.members();
        Path work = Path.of("target/bench");
        try (Service svc = Service.start("caps", Path.of(o.jar()).toAbsolutePath(),
                work.toAbsolutePath(), "h2", null, null, o.xmx(), o.jfr(), true, o.jvm())) {
            Rest api = new Rest(svc.base());
            System.out.printf("machine: %d cores, load average %s at the start; %,d members, H2, -Xmx%s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), members, o.xmx());
            long audience = api.post("/api/audiences", Map.of("name", "caps bench", "workers", 4,
                    "source", Map.of("kind", "upload"))).path("id").asLong();
            api.stream("PUT", "/api/audiences/" + audience + "/upload", "text/plain", members, i -> "m" + i);
            api.post("/api/audiences/" + audience + "/start", null);
            RedirectBench.await(api, "/api/audiences/" + audience);

            long pid = svc.pid();
            double uncapped1 = campaign(api, pid, audience, members, "uncapped");
            api.put("/api/frequency-caps", Map.of("category", "news", "limits",
                    List.of(Map.of("max", 2, "window", "PT24H"), Map.of("max", 5, "window", "P7D"))));
            double firstPush = campaign(api, pid, audience, members, "capped, every member's first push (states inserted)");
            double secondPush = campaign(api, pid, audience, members, "capped, every member's second push (states updated)");
            api.delete("/api/frequency-caps?category=news");
            double uncapped2 = campaign(api, pid, audience, members, "uncapped again");
            double uncapped = Math.max(uncapped1, uncapped2);
            System.out.printf("capped / uncapped: first push %.2f, second push %.2f (uncapped: the faster of %,.0f/s and %,.0f/s)%n",
                    firstPush / uncapped, secondPush / uncapped, uncapped1, uncapped2);
            System.out.printf("load average %s at the end%n", loadAverage());
        }
    }

    /** Runs a 4-worker news campaign over the audience on the log channel; answers members sent per second. */
    private static double campaign(Rest api, long pid, long audience, int members, String what) throws InterruptedException {
        long campaign = api.post("/api/campaigns", Map.of("name", "caps bench " + what, "audienceId", audience,
                "channel", "log", "category", "news", "workers", 4, "message", Map.of("title", "t", "body", "b"))).path("id").asLong();
        double cpu0 = RedirectBench.cpuSeconds(pid);
        long t0 = System.nanoTime();
        api.post("/api/campaigns/" + campaign + "/start", null);
        RedirectBench.await(api, "/api/campaigns/" + campaign);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMicros = (RedirectBench.cpuSeconds(pid) - cpu0) * 1e6 / members;
        var progress = api.get("/api/campaigns/" + campaign).path("progress");
        long sent = progress.path("sent").asLong();
        double rate = members / seconds;
        System.out.printf("campaign %s: %,.0f members/s (%,d in %.1f s; sent %,d, skipped %,d; service %.0f CPU-µs a member)%n",
                what, rate, members, seconds, sent, progress.path("skipped").asLong(), cpuMicros);
        return rate;
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
