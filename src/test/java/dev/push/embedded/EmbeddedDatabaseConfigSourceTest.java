package dev.push.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmbeddedDatabaseConfigSourceTest {

    private final EmbeddedDatabaseConfigSource source = new EmbeddedDatabaseConfigSource();

    @Test
    void listsNothingAndRanksLast() {
        assertTrue(source.getPropertyNames().isEmpty());
        assertTrue(source.getProperties().isEmpty());
        assertEquals(Integer.MIN_VALUE, source.getOrdinal());
    }

    @Test
    void startsNothingOutsideARunningApplication() {
        // As during the Quarkus build: no application has started, so the lookup misses and no server starts.
        assertNull(source.getValue(EmbeddedDatabaseConfigSource.CONNECTION_STRING));
        assertTrue(EmbeddedDatabaseConfigSource.running().isEmpty());
    }

    @Test
    void answersOnlyTheConnectionString() {
        assertNull(source.getValue("quarkus.mongodb.database"));
        assertNull(source.getValue("%prod." + EmbeddedDatabaseConfigSource.CONNECTION_STRING));
    }
}
