package dev.push.security;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.push.storage.PushDatabase;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;

/**
 * The console's sign-ins, in the {@code sessions} collection ({@code _id} = SHA-256 of the session id,
 * {@code user}, {@code created}, {@code seen}). Quarkus' session cookie is sealed but stateless: a copy
 * of it stays valid until it times out, whatever the browser does. So a sign-in also gets its own
 * random id in a second cookie, {@value #COOKIE}, and the session cookie is honoured only while that
 * id is stored here; signing out deletes it, on every instance at once.
 */
@ApplicationScoped
public class Sessions {
    public static final String COLLECTION = "sessions";
    public static final String COOKIE = "push-session";
    /** The identity attribute naming the session a request came with. */
    public static final String ATTRIBUTE = "push.session";
    /** Where the login request leaves a new session's id for its answer's cookie. */
    static final String NEW = "push.session.new";
    /** {@code seen} is written at most this often: a session in use costs one write per interval, not per request. */
    private static final Duration SEEN_EVERY = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PushDatabase collections;

    /** The console session's inactivity timeout; a session unseen for longer is over and may go. */
    @Inject
    SecurityConfig security;

    MongoCollection<Document> sessions() {
        return collections.get(COLLECTION);
    }

    /** A new session of the user; answers its id, which only the cookie holds. */
    public String open(String user) {
        Date now = new Date();
        expire(now);
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        sessions().insertOne(new Document("_id", ApiTokens.sha256(id)).append("user", user).append("created", now).append("seen", now));
        return id;
    }

    /** Whether the session is open and belongs to the user; notes that it was seen. */
    public boolean valid(String id, String user) {
        if (id == null || id.length() > 100) {
            return false;
        }
        Document d = sessions().find(Filters.eq("_id", ApiTokens.sha256(id))).first();
        if (d == null || !user.equals(d.getString("user"))) {
            return false;
        }
        Date seen = d.getDate("seen");
        long now = System.currentTimeMillis();
        if (seen == null || now - seen.getTime() > SEEN_EVERY.toMillis()) {
            sessions().updateOne(Filters.eq("_id", d.get("_id")), Updates.set("seen", new Date(now)));
        }
        return true;
    }

    /** Removes the sessions whose cookie has timed out for sure (not seen since); answers how many. */
    public long expire(Date now) {
        return sessions().deleteMany(Filters.lt("seen", new Date(now.getTime() - lifetime().toMillis()))).getDeletedCount();
    }

    /** How long an unseen session may still be in use: the cookie's timeout and the interval {@code seen} is written at. */
    public Duration lifetime() {
        return security.sessionTimeout().plus(SEEN_EVERY);
    }

    public void close(String id) {
        if (id != null) {
            sessions().deleteOne(Filters.eq("_id", ApiTokens.sha256(id)));
        }
    }

    public long closeAllOf(String user) {
        return sessions().deleteMany(Filters.eq("user", user)).getDeletedCount();
    }

    /** On a successful login's answer: the cookie naming the session the login opened, with the session cookie's attributes. */
    static void addCookie(RoutingContext rc, boolean secure) {
        String id = rc.get(NEW);
        int status = rc.response().getStatusCode();
        if (id != null && status < 400) {
            rc.response().addCookie(cookie(id, secure));
        }
    }

    static Cookie cookie(String value, boolean secure) {
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(secure);
    }
}
