package dev.push.cluster;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.push.MongoTestResource;
import org.bson.Document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The database a fault test's service processes share: the packaged service's {@code --database-only} process on
 * a fresh H2 file, or, when {@value MongoTestResource#ENVIRONMENT} names one, that MongoDB, in a database of this
 * run's own. The test freezes it with SIGSTOP, so an external MongoDB must be a {@code mongod} on this machine that
 * the test's user may signal; its pid comes from {@code serverStatus}.
 */
final class TestDatabase implements AutoCloseable {
    private final ServiceProcess process;
    private final int port;
    private final String uri;
    private final String name;
    private final MongoClient client;
    private long externalPid;

    private TestDatabase(ServiceProcess process, int port, String uri, String name) {
        this.process = process;
        this.port = port;
        this.uri = uri;
        this.name = name;
        this.client = MongoClients.create(uri);
    }

    static TestDatabase start(String purpose, Path logs) throws IOException, InterruptedException {
        String external = System.getenv(MongoTestResource.ENVIRONMENT);
        if (external != null && !external.isBlank()) {
            return new TestDatabase(null, 0, external, "push_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8));
        }
        return embedded(purpose, logs);
    }

    /**
     * Always the packaged service's {@code --database-only} process, whatever {@value MongoTestResource#ENVIRONMENT}
     * says: for tests that kill the process holding the embedded database ({@link #kill}, {@link #restart}).
     */
    static TestDatabase embedded(String purpose, Path logs) throws IOException, InterruptedException {
        int port = ClusterFaultIT.freePort();
        ServiceProcess p = ServiceProcess.database("database-" + purpose, port, Files.createTempDirectory("push-" + purpose + "-db"), logs).start()
                .awaitReady(Duration.ofSeconds(30));
        ClusterFaultIT.awaitPort(port);
        return new TestDatabase(p, port, "mongodb://127.0.0.1:" + port, "push");
    }

    String uri() {
        return uri;
    }

    /** The embedded database's port (a {@link CommandGate} in front of it connects there). */
    int port() {
        embeddedProcess();
        return port;
    }

    /** What an instance is told besides the connection string: the database to use. */
    Map<String, String> settings() {
        return Map.of("quarkus.mongodb.database", name);
    }

    MongoDatabase database() {
        return client.getDatabase(name);
    }

    /** kill -9 of the embedded database's process: nothing flushed or closed beyond what was already synced. */
    void kill() throws InterruptedException {
        embeddedProcess().kill();
    }

    /** The same command again, on the same H2 file and port (the instances reconnect by themselves). */
    void restart() throws IOException, InterruptedException {
        embeddedProcess().start().awaitReady(Duration.ofSeconds(30));
        ClusterFaultIT.awaitPort(port);
    }

    private ServiceProcess embeddedProcess() {
        if (process == null) {
            throw new IllegalStateException("an external MongoDB is not this test's to kill: use TestDatabase.embedded");
        }
        return process;
    }

    /** The task's worker slots held now, counted by instance id. */
    Map<String, Integer> workersByInstance(long task) {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (Document s : database().getCollection("workers").find(new Document("task", task))) {
            out.merge(s.getString("instance"), 1, Integer::sum);
        }
        return out;
    }

    /**
     * Who sends each member of {@code campaign} now: the instance holding the member's chunk ({@code campaign_chunks}
     * owner {@code <instance>/<worker>}; a worker sends only what it reserved as owner), the member's chunk being the
     * audience chunk of the same shard and number. Members of chunks no one claimed yet are left out.
     */
    Map<String, String> sendersByMember(long campaign, long audience) {
        Map<String, String> holders = holdersByChunk(campaign);
        Map<String, String> out = new java.util.HashMap<>();
        for (Document chunk : database().getCollection("audience_chunks").find(new Document("_id.a", audience))) {
            Document id = chunk.get("_id", Document.class);
            String holder = holders.get(id.getInteger("s") + "/" + id.getInteger("k"));
            if (holder != null) {
                chunk.getList("ids", String.class).forEach(m -> out.put(m, holder));
            }
        }
        return out;
    }

    /** The instance holding each claimed chunk of {@code campaign} ({@code "<shard>/<k>"}), from its owner {@code <instance>/<worker>}. */
    Map<String, String> holdersByChunk(long campaign) {
        Map<String, String> holders = new java.util.HashMap<>();
        for (Document chunk : database().getCollection("campaign_chunks").find(new Document("_id.c", campaign))) {
            Document id = chunk.get("_id", Document.class);
            String owner = chunk.getString("owner");
            holders.put(id.getInteger("s") + "/" + id.getInteger("k"), owner.substring(0, owner.lastIndexOf('/')));
        }
        return holders;
    }

    /** SIGSTOP: the database stops answering, its connections stay open (a long GC pause or a stalled disk). */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        long pid = pid();
        int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed: the database under test must be a process"
                    + " on this machine that this user may signal");
        }
    }

    /** The database's process id; an external one's is asked once, while it still answers (not when frozen). */
    private long pid() {
        if (process != null) {
            return process.pid();
        }
        if (externalPid == 0) {
            externalPid = ((Number) client.getDatabase("admin").runCommand(new Document("serverStatus", 1)).get("pid")).longValue();
        }
        return externalPid;
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            database().drop();
        }
        client.close();
        if (process != null && process.alive()) {
            process.kill();
        }
    }
}
