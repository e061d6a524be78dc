package dev.push.storage;

import dev.push.embedded.EmbeddedDatabase;

/** The store contract on the embedded database's memory backend. */
class MemoryStoreContractTest extends StoreContract {
    private EmbeddedDatabase store;

    @Override
    String startStore() {
        store = EmbeddedDatabase.start(EmbeddedDatabase.Settings.memory(0));
        return store.connectionString();
    }

    @Override
    void stopStore() {
        store.close();
    }
}
