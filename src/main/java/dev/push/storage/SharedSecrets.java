package dev.push.storage;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Date;

/**
 * Keys every instance shares with no configuration, in the {@value #COLLECTION} collection: the first instance to
 * need one makes 32 random bytes and stores them; every instance, then and after any restart, uses the stored ones.
 * When instances race, the first insert wins for all. Keys are never logged nor answered by the API.
 */
@ApplicationScoped
public class SharedSecrets {
    public static final String COLLECTION = "secrets";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PushDatabase collections;

    /** The stored key named {@code id}, base64; made and stored first if there is none. */
    public String key(String id) {
        MongoCollection<Document> secrets = collections.get(COLLECTION);
        Document stored = secrets.find(Filters.eq("_id", id)).first();
        if (stored == null) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            try {
                secrets.insertOne(new Document("_id", id).append("key", Base64.getEncoder().encodeToString(key)).append("created", new Date()));
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            stored = secrets.find(Filters.eq("_id", id)).first();
        }
        return stored.getString("key");
    }
}
