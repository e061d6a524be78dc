package dev.push.security;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The {@code api_tokens} collection: only the SHA-256 of a token is stored; its value is answered once, at creation. */
@ApplicationScoped
public class ApiTokens {
    public static final String COLLECTION = "api_tokens";
    static final String PREFIX = "push_";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PushDatabase collections;

    private final RecentTokens recent = new RecentTokens(System::nanoTime);

    public record TokenView(String id, String name, String owner, List<String> roles, Date created, Date lastUsed) {
    }

    /** Answered once, when the token is created. */
    public record CreatedToken(String id, String name, String owner, List<String> roles, Date created, String token) {
    }

    MongoCollection<Document> tokens() {
        return collections.get(COLLECTION);
    }

    public CreatedToken create(String name, String owner, List<String> roles) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String value = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        String id = new ObjectId().toHexString();
        Date now = new Date();
        tokens().insertOne(new Document("_id", id).append("name", name).append("owner", owner)
                .append("roles", new ArrayList<>(roles)).append("hash", sha256(value)).append("created", now)
                .append("lastUsed", null));
        return new CreatedToken(id, name, owner, roles, now, value);
    }

    public List<TokenView> list(String owner) {
        Bson filter = owner == null ? new Document() : Filters.eq("owner", owner);
        List<TokenView> out = new ArrayList<>();
        tokens().find(filter).sort(Sorts.ascending("created")).forEach(d -> out.add(view(d)));
        return out;
    }

    public Optional<TokenView> find(String id) {
        return Optional.ofNullable(tokens().find(Filters.eq("_id", id)).first()).map(ApiTokens::view);
    }

    public boolean delete(String id) {
        try {
            return tokens().deleteOne(Filters.eq("_id", id)).getDeletedCount() > 0;
        } finally {
            recent.forget(id);
        }
    }

    public long deleteOwnedBy(String owner) {
        try {
            return tokens().deleteMany(Filters.eq("owner", owner)).getDeletedCount();
        } finally {
            recent.forgetOwnedBy(owner);
        }
    }

    static final long LAST_USED_PRECISION_MILLIS = 60_000;

    /**
     * The token with this value if this process found it less than a second ago ({@link RecentTokens}), without
     * reading the database; empty when it must be {@link #verify verified}.
     */
    public Optional<TokenView> recentlyVerified(String value) {
        if (!wellFormed(value)) {
            return Optional.empty();
        }
        return Optional.ofNullable(recent.recent(sha256(value)));
    }

    /** The token with this value, its last use noted (to the minute). */
    public Optional<TokenView> verify(String value) {
        if (!wellFormed(value)) {
            return Optional.empty();
        }
        String hash = sha256(value);
        TokenView known = recent.recent(hash);
        if (known != null) {
            return Optional.of(known);
        }
        long epoch = recent.epoch();
        Document d = tokens().find(Filters.eq("hash", hash)).first();
        if (d == null) {
            return Optional.empty();
        }
        // Noted at most once a minute: a script polling several times a second would otherwise write on every call.
        Date now = new Date();
        Date last = d.getDate("lastUsed");
        if (last == null || now.getTime() - last.getTime() >= LAST_USED_PRECISION_MILLIS) {
            tokens().updateOne(Filters.eq("_id", d.get("_id")), Updates.set("lastUsed", now));
            d.put("lastUsed", now);
        }
        TokenView token = view(d);
        recent.found(hash, token, epoch);
        return Optional.of(token);
    }

    private static boolean wellFormed(String value) {
        return value != null && value.startsWith(PREFIX) && value.length() <= 200;
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TokenView view(Document d) {
        return new TokenView(d.getString("_id"), d.getString("name"), d.getString("owner"),
                d.getList("roles", String.class), d.getDate("created"), d.getDate("lastUsed"));
    }
}
