package dev.push.channel.config;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code channels} collection: one document per configured channel,
 * <pre>{_id: name, type, settings: {…}, credentials: {alg, iv, data} (sealed), credentialNames: [...], version, createdAt, updatedAt}</pre>
 * Read by {@code _id}; the collection is small.
 */
@ApplicationScoped
public class ChannelConfigs {
    public static final String COLLECTION = "channels";

    @Inject
    PushDatabase collections;

    MongoCollection<Document> coll() {
        return collections.get(COLLECTION);
    }

    public Document find(String name) {
        return coll().find(Filters.eq("_id", name)).first();
    }

    public List<Document> all() {
        return coll().find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    /** Inserts a new configuration; false when the name is taken. */
    public boolean insert(Document config) {
        try {
            coll().insertOne(config);
            return true;
        } catch (com.mongodb.MongoWriteException e) {
            if (e.getError().getCode() == 11000) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces a configuration if it is still at {@code version}; false when someone changed it meanwhile. */
    public boolean replace(Document config, long version) {
        return coll().replaceOne(Filters.and(Filters.eq("_id", config.getString("_id")), Filters.eq("version", version)),
                config).getMatchedCount() == 1;
    }

    public boolean delete(String name) {
        return coll().deleteOne(Filters.eq("_id", name)).getDeletedCount() == 1;
    }
}
