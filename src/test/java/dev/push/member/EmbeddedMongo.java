package dev.push.member;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.push.MongoTestResource;
import dev.push.storage.PushDatabase;
import org.bson.Document;

import java.util.UUID;

/** A database of its own and its members collection, for tests that need no Quarkus. */
final class EmbeddedMongo implements AutoCloseable {
    private final MongoClient client;
    private final String database = "members-" + UUID.randomUUID();
    final MongoCollection<Document> members;

    EmbeddedMongo() {
        client = MongoClients.create(MongoTestResource.connectionString());
        members = client.getDatabase(database).getCollection(MemberStore.COLLECTION);
    }

    /** The same database as the service's collections, for classes that take them so. */
    PushDatabase database() {
        return new PushDatabase(client, database);
    }

    @Override
    public void close() {
        client.getDatabase(database).drop();
        client.close();
    }
}
