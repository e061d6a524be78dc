package dev.push.storage;

import dev.push.MongoTestResource;

/**
 * The store contract on a real MongoDB, named by the environment variable {@value #VARIABLE}
 * (a connection string; each test uses a database of its own and drops it). Run only where that
 * variable is set: the build leaves this class out otherwise (profile {@code store-contract-mongodb}
 * in pom.xml), so no run reports it skipped.
 */
class MongoStoreContractTest extends StoreContract {
    static final String VARIABLE = MongoTestResource.ENVIRONMENT;

    @Override
    String startStore() {
        String uri = System.getenv(VARIABLE);
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException(VARIABLE + " must name a MongoDB (a connection string) to run this contract");
        }
        return uri;
    }

    @Override
    void stopStore() {
    }
}
