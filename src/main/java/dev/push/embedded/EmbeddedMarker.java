package dev.push.embedded;

/**
 * A field the embedded server adds to its {@code isMaster} answer, so an instance can tell it from a
 * standalone MongoDB: {@value #DURABLE} (the H2 file, which syncs journaled writes) or {@value #IN_MEMORY}.
 * The field's name and values are what {@code dev.push.storage.DeploymentDurabilityCheck} reads.
 */
final class EmbeddedMarker {
    static final String FIELD = "pushEmbedded";
    static final String DURABLE = "h2";
    static final String IN_MEMORY = "memory";

    private EmbeddedMarker() {
    }
}
