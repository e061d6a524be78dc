package dev.push.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the service's CPU time went during one phase, from its JFR recording's execution samples:
 * the hottest frames (self time), and the hottest Push methods counting everything they called.
 * Run alone: {@code Profile <recording.jfr> [fromEpochMs toEpochMs]}.
 */
final class Profile {
    private static final int TOP = 12;

    record Window(String name, Instant from, Instant to) {
    }

    static Map<String, String> summarise(Path jfr, List<Window> windows) throws IOException {
        List<RecordedEvent> samples = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (e.getEventType().getName().equals("jdk.ExecutionSample")) {
                samples.add(e);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Window w : windows) {
            out.put(w.name(), summarise(samples, w));
        }
        return out;
    }

    private static String summarise(List<RecordedEvent> samples, Window w) {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> push = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : samples) {
            if (e.getStartTime().isBefore(w.from()) || e.getStartTime().isAfter(w.to())) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith("dev.push.") && seen.add(n)) {
                    push.merge(n, 1, Integer::sum);
                }
            }
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", ""), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        b.append(total).append(" samples (JFR, ~10 ms apart per running thread)\n\n");
        table(b, "hottest frames (self)", self, total);
        table(b, "Push methods on the stack (inclusive)", push, total);
        table(b, "threads", threads, total);
        return b.toString();
    }

    private static void table(StringBuilder b, String title, Map<String, Integer> counts, int total) {
        b.append("| ").append(title).append(" | samples | % |\n|---|---:|---:|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(TOP)
                .forEach(en -> b.append("| `").append(en.getKey()).append("` | ").append(en.getValue()).append(" | ")
                        .append(String.format("%.1f", 100.0 * en.getValue() / Math.max(1, total))).append(" |\n"));
        b.append('\n');
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    public static void main(String[] args) throws IOException {
        Instant from = args.length > 2 ? Instant.ofEpochMilli(Long.parseLong(args[1])) : Instant.MIN;
        Instant to = args.length > 2 ? Instant.ofEpochMilli(Long.parseLong(args[2])) : Instant.MAX;
        summarise(Path.of(args[0]), List.of(new Window("all", from, to))).values().forEach(System.out::println);
    }
}
