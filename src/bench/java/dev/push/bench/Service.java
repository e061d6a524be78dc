package dev.push.bench;

import dev.push.cluster.ServiceLaunch;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One service process started the way users start it ({@code java -jar quarkus-run.jar}), on free
 * ports and its own data directory, with a GC log for its peak heap and optionally a JFR recording.
 * Only this process is ever stopped, through its own handle.
 */
final class Service implements AutoCloseable {
    /** The service's {@code java}: {@code -Dbench.java=…} (bench/run --aot: a JDK 25) or the one on the PATH. */
    static final String JAVA = System.getProperty("bench.java", "java");
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    final String label;
    final int httpPort;
    final int databasePort;
    final String databaseUri;
    final Path gcLog;
    final Path jfr;
    final Path log;
    private final Process process;
    final long startupMillis;

    private Service(String label, int httpPort, int databasePort, String databaseUri, Path gcLog, Path jfr, Path log,
                    Process process, long startupMillis) {
        this.label = label;
        this.httpPort = httpPort;
        this.databasePort = databasePort;
        this.databaseUri = databaseUri;
        this.gcLog = gcLog;
        this.jfr = jfr;
        this.log = log;
        this.process = process;
        this.startupMillis = startupMillis;
    }

    /**
     * Starts the service and waits for /q/health/ready to answer UP. {@code mongoUri} null means the
     * embedded database with {@code backend} under {@code dataDir}; {@code fresh} empties that directory first.
     */
    static Service start(String label, Path jar, Path workDir, String backend, String mongoUri, String mongoDatabase,
                         String xmx, boolean recordJfr, boolean fresh) throws IOException, InterruptedException {
        return start(label, jar, workDir, backend, mongoUri, mongoDatabase, xmx, recordJfr, fresh, List.of());
    }

    /** The same, with more JVM options ({@code -D...}) before the jar. */
    static Service start(String label, Path jar, Path workDir, String backend, String mongoUri, String mongoDatabase,
                         String xmx, boolean recordJfr, boolean fresh, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Path dataDir = workDir.resolve(label + "-data");
        if (fresh) {
            deleteTree(dataDir);
        }
        Files.createDirectories(dataDir);
        int http = freePort();
        int db = freePort();
        Path gcLog = workDir.resolve(label + "-gc.log");
        Path jfr = recordJfr ? workDir.resolve(label + ".jfr") : null;
        Path log = workDir.resolve(label + "-service.log");
        List<String> cmd = new ArrayList<>(ServiceLaunch.java(JAVA));
        cmd.addAll(List.of("-Xmx" + xmx,
                "-Xlog:gc:file=" + gcLog + ":uptime",
                // A heap that is too small must end the run visibly rather than leave a half-alive service.
                "-XX:+ExitOnOutOfMemoryError"));
        if (jfr != null) {
            // -Dbench.jfr.settings=FILE.jfc: other settings, e.g. a copy of profile.jfc sampling every millisecond.
            // Deep stacks: a request's Mutiny and Vert.x chains run past JFR's default 64 frames, which would cut off
            // the frames that say what the request was doing.
            cmd.add("-XX:FlightRecorderOptions:stackdepth=512");
            cmd.add("-XX:StartFlightRecording=settings=" + System.getProperty("bench.jfr.settings", "profile") + ",filename="
                    + jfr + ",dumponexit=true");
        }
        cmd.add("-Dquarkus.http.port=" + http);
        cmd.add("-Dpush.admin.password=" + Rest.ADMIN_PASSWORD);
        // The bench's webhook sink is on loopback, which the service refuses unless allowed.
        cmd.add("-Dpush.outbound.allow=127.0.0.0/8");
        String uri;
        if (mongoUri == null) {
            cmd.add("-Dpush.embedded.backend=" + backend);
            cmd.add("-Dpush.embedded.dir=" + dataDir);
            cmd.add("-Dpush.embedded.port=" + db);
            uri = "mongodb://127.0.0.1:" + db;
        } else {
            cmd.add("-Dquarkus.mongodb.connection-string=" + mongoUri);
            cmd.add("-Dquarkus.mongodb.database=" + mongoDatabase);
            uri = mongoUri;
        }
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(workDir.toFile()).start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("service " + label + " exited with " + p.exitValue() + " during start-up; see " + log);
            }
            try {
                HttpResponse<String> r = client.send(ready, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("service " + label + " not ready after 120 s; see " + log);
            }
            Thread.sleep(10);
        }
        long startup = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return new Service(label, http, db, uri, gcLog, jfr, log, p, startup);
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The process's peak resident set so far (VmHWM), in MiB; -1 when it cannot be read. */
    long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The largest heap occupancy the GC log saw before a collection, in MiB. */
    long peakHeapMib() {
        long peak = -1;
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_HEAP.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return peak;
    }

    /** Stops the process (SIGTERM, so the H2 file is closed and compacted) and answers how long that took. */
    long stop() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
