package dev.push.member;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;

/** A fresh in-memory server and its members collection, for tests that need no Quarkus. */
final class EmbeddedMongo implements AutoCloseable {
    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client;
    final MongoCollection<Document> members;

    EmbeddedMongo() {
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        members = client.getDatabase("push").getCollection(MemberStore.COLLECTION);
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
