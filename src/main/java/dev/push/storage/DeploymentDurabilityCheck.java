package dev.push.storage;

import com.mongodb.client.MongoClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Says loudly at start when the database cannot honour the {@link CoordinationConcern}: a standalone
 * MongoDB journals a {@code w: "majority"} write on its one server only (no copy, no failover); a replica
 * set with arbiters can count an arbiter into its majority and block majority writes while a
 * data-bearing member is down; the embedded in-memory database keeps nothing. A replica set of
 * data-bearing members, a sharded cluster and the embedded H2 file honour it.
 */
@ApplicationScoped
public class DeploymentDurabilityCheck {
    private static final Logger LOG = Logger.getLogger(DeploymentDurabilityCheck.class);
    /** The field (and its values) the embedded server adds to its isMaster answer. */
    static final String EMBEDDED = "pushEmbedded";

    @Inject
    MongoClient client;

    void check(@Observes StartupEvent event) {
        Document hello;
        try {
            hello = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
        } catch (RuntimeException e) {
            LOG.warnf("cannot tell whether the database honours majority, journaled writes: %s", e.getMessage());
            return;
        }
        warning(hello).ifPresent(LOG::warn);
    }

    /** What is wrong with a deployment, judged from its {@code isMaster} answer; empty when nothing is. */
    static Optional<String> warning(Document hello) {
        Object embedded = hello.get(EMBEDDED);
        if ("h2".equals(embedded)) {
            return Optional.empty();
        }
        if ("memory".equals(embedded)) {
            return Optional.of("DATABASE NOT DURABLE: the embedded in-memory database loses every write when its"
                    + " process ends; use it for tests only");
        }
        if ("isdbgrid".equals(hello.getString("msg"))) {
            return Optional.empty();
        }
        String set = hello.getString("setName");
        if (set == null) {
            return Optional.of("DATABASE WITHOUT REPLICATION: MongoDB is a standalone server, so writes the engine"
                    + " asks to be on a majority (w: majority, j: true) are journaled on this one server only: no copy"
                    + " survives a lost disk and there is no failover. Run a replica set in production"
                    + " (docker/compose.yaml, docs/configuration.md)");
        }
        List<?> arbiters = hello.getList("arbiters", Object.class);
        if (arbiters != null && !arbiters.isEmpty()) {
            return Optional.of("REPLICA SET " + set + " HAS ARBITERS " + arbiters + ": majority writes wait while a"
                    + " data-bearing member is down, which stops every campaign; use data-bearing members only");
        }
        return Optional.empty();
    }
}
