package dev.push.storage;

import dev.push.embedded.EmbeddedDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The store contract on the embedded database's H2 backend, on a file as the service runs it. */
class H2StoreContractTest extends StoreContract {
    private EmbeddedDatabase store;
    private Path dir;

    @Override
    String startStore() throws Exception {
        dir = Files.createTempDirectory("push-h2-contract");
        store = EmbeddedDatabase.start(EmbeddedDatabase.Settings.h2(dir, 0));
        return store.connectionString();
    }

    @Override
    void stopStore() throws Exception {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
