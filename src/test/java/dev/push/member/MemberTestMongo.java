package dev.push.member;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** An in-memory MongoDB for this branch's Quarkus tests, on a free loopback port. */
public class MemberTestMongo implements QuarkusTestResourceLifecycleManager {
    private MongoServer server;

    @Override
    public Map<String, String> start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return Map.of("quarkus.mongodb.connection-string", "mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }
}
