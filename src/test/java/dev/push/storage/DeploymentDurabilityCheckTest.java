package dev.push.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.push.embedded.EmbeddedDatabase;

/** Which deployments cannot honour majority, journaled coordination writes, judged from their isMaster answer. */
class DeploymentDurabilityCheckTest {

    @Test
    void theEmbeddedH2DatabaseHonoursThem(@TempDir Path dir) {
        assertEquals(Optional.empty(), DeploymentDurabilityCheck.warning(isMasterOf(EmbeddedDatabase.Settings.h2(dir, 0))));
    }

    @Test
    void theEmbeddedMemoryDatabaseKeepsNothing() {
        Optional<String> warning = DeploymentDurabilityCheck.warning(isMasterOf(EmbeddedDatabase.Settings.memory(0)));
        assertTrue(warning.orElseThrow().startsWith("DATABASE NOT DURABLE"), warning.toString());
    }

    @Test
    void aStandaloneMongoDbHasNoReplication() {
        Optional<String> warning = DeploymentDurabilityCheck.warning(new Document("ismaster", true).append("maxWireVersion", 21));
        assertTrue(warning.orElseThrow().startsWith("DATABASE WITHOUT REPLICATION"), warning.toString());
    }

    @Test
    void aReplicaSetWithArbitersCanBlockMajorityWrites() {
        Document hello = new Document("ismaster", true).append("setName", "rs0")
                .append("hosts", List.of("a:27017", "b:27017")).append("arbiters", List.of("c:27017"));
        assertTrue(DeploymentDurabilityCheck.warning(hello).orElseThrow().startsWith("REPLICA SET rs0 HAS ARBITERS"));
    }

    @Test
    void aReplicaSetOfDataBearingMembersAndAShardedClusterHonourThem() {
        Document replicaSet = new Document("ismaster", true).append("setName", "rs0")
                .append("hosts", List.of("a:27017", "b:27017", "c:27017"));
        assertEquals(Optional.empty(), DeploymentDurabilityCheck.warning(replicaSet));
        assertEquals(Optional.empty(), DeploymentDurabilityCheck.warning(new Document("ismaster", true).append("msg", "isdbgrid")));
    }

    private static Document isMasterOf(EmbeddedDatabase.Settings settings) {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(settings);
             MongoClient client = MongoClients.create(database.connectionString())) {
            return client.getDatabase("admin").runCommand(new Document("isMaster", 1));
        }
    }
}
