package de.bwaldvogel.mongo.backend;

import de.bwaldvogel.mongo.bson.Document;

import java.util.function.UnaryOperator;

/**
 * Push's door to mongo-java-server's package-private {@code Projection}, so the streaming scan
 * of {@code dev.push.db} projects exactly as the server's own query path does.
 */
public final class ProjectionAccess {
    private ProjectionAccess() {
    }

    public static UnaryOperator<Document> of(Document projection, String idField) {
        if (projection == null || projection.isEmpty()) {
            return UnaryOperator.identity();
        }
        Projection p = new Projection(projection, idField);
        return p::projectDocument;
    }
}
