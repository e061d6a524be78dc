package dev.push.cluster;

import dev.push.engine.WorkerThreads;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** A process of the packaged service (target/quarkus-app), started and killed by a fault test. */
final class ServiceProcess {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /**
     * JVM options of the service processes a test starts: C1 only, which starts them ~35% sooner on 2 busy cores (13-14 s
     * against 18-22 s, load 19-24) and changes no behaviour, only how the bytecode is compiled. Not for the database
     * process, which does the cluster's heavy lifting for minutes.
     */
    private static final List<String> SERVICE_JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int httpPort;
    private final List<String> command;
    private final File log;
    private Process process;
    /** Ready since its last start: started processes still booting are no API to use. */
    private volatile boolean serving;

    private ServiceProcess(String name, int httpPort, List<String> command, File log) {
        this.name = name;
        this.httpPort = httpPort;
        this.command = command;
        this.log = log;
    }

    /** A service instance on {@code httpPort} using the database at {@code mongo}. */
    static ServiceProcess instance(String name, int httpPort, String mongo, Path logs, Map<String, String> properties) {
        List<String> cmd = new ArrayList<>(ServiceLaunch.java(java()));
        cmd.addAll(SERVICE_JVM);
        cmd.addAll(List.of("-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.mongodb.connection-string=" + mongo,
                "-Dpush.admin.password=" + dev.push.security.TestCredentials.ADMIN_PASSWORD, "-Dpush.outbound.allow=127.0.0.0/8", "-Dquarkus.log.console.format=%d{HH:mm:ss,SSS} %-5p [%c{2.}] %s%e%n"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", JAR.toString()));
        return new ServiceProcess(name, httpPort, cmd, logs.resolve(name + ".log").toFile());
    }

    /** A service instance on {@code httpPort} using the test's shared database. */
    static ServiceProcess instance(String name, int httpPort, TestDatabase database, Path logs, Map<String, String> properties) {
        Map<String, String> all = new java.util.LinkedHashMap<>(database.settings());
        all.putAll(properties);
        return instance(name, httpPort, database.uri(), logs, all);
    }

    /**
     * The service alone, as a new user starts it: no connection string, its embedded database on the H2
     * file in {@code dir}, listening on {@code databasePort}.
     */
    static ServiceProcess alone(String name, int httpPort, Path dir, int databasePort, Path logs) {
        List<String> cmd = new ArrayList<>(ServiceLaunch.java(java()));
        cmd.addAll(SERVICE_JVM);
        cmd.addAll(List.of("-Dquarkus.http.port=" + httpPort, "-Dpush.embedded.dir=" + dir, "-Dpush.embedded.port=" + databasePort,
                "-Dpush.admin.password=" + dev.push.security.TestCredentials.ADMIN_PASSWORD, "-Dpush.outbound.allow=127.0.0.0/8",
                "-Dquarkus.log.console.format=%d{HH:mm:ss,SSS} %-5p [%c{2.}] %s%e%n", "-jar", JAR.toString()));
        return new ServiceProcess(name, httpPort, cmd, logs.resolve(name + ".log").toFile());
    }

    /**
     * The embedded database on its own ({@code --database-only}), logging to {@code name}.log: a name of its test's own,
     * since the fault test classes run side by side in two forks (pom.xml) and share the logs' folder.
     */
    static ServiceProcess database(String name, int port, Path dir, Path logs) {
        return new ServiceProcess(name, 0, List.of(java(), "-Xmx512m", "-jar", JAR.toString(), "--database-only",
                "--port", String.valueOf(port), "--dir", dir.toString()), logs.resolve(name + ".log").toFile());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    ServiceProcess start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().remove("QUARKUS_MONGODB_CONNECTION_STRING");
        serving = false;
        process = pb.start();
        return this;
    }

    /** Waits until /q/health/ready answers 200 (instances) or the port answers (database). */
    ServiceProcess awaitReady(Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (httpPort == 0 || ready()) {
                serving = true;
                return this;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " not ready within " + within + "; see " + log);
    }

    boolean ready() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** What the process wrote (appended to across restarts). */
    Path log() {
        return log.toPath();
    }

    /** The instance id its readiness check reports (the prefix of its workers' ids). */
    String instanceId() {
        return io.restassured.RestAssured.given().baseUri(base()).get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'instance' }.data.instance");
    }

    long pid() {
        return process.pid();
    }

    /** The names of the process's threads that run at {@code nice}, as Linux reports them (at most 15 characters). */
    List<String> threadsAtNice(int nice) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (WorkerThreads.niceOf(task.resolve("stat")).equals(OptionalInt.of(nice))) {
                        names.add(Files.readString(task.resolve("comm")).strip());
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended while listed
                }
            }
        }
        return names;
    }

    /** kill -9: no shutdown hook, nothing released. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, and waits for the graceful shutdown to end. */
    void terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(name + " did not stop within " + within + " of SIGTERM");
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Alive and ready since its last start ({@link #awaitReady}). */
    boolean serving() {
        return serving && alive();
    }

    /** Kills (SIGKILL) every instance still alive, then closes what they used (the database, the sink; null: none). */
    static void killAll(List<ServiceProcess> instances, AutoCloseable... used) throws Exception {
        for (ServiceProcess p : instances) {
            if (p.alive()) {
                p.kill();
            }
        }
        for (AutoCloseable c : used) {
            if (c != null) {
                c.close();
            }
        }
    }
}
