package dev.push.security;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.push.storage.PushDatabase;
import io.quarkus.vertx.http.runtime.FormAuthConfig;
import io.quarkus.vertx.http.security.Form;
import io.quarkus.vertx.http.security.HttpSecurity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

/**
 * The key that seals the console's session cookie, the same on every instance with no configuration: the first
 * instance to start makes a random one and stores it in the {@value #COLLECTION} collection; every instance, then and
 * after any restart, uses the stored one, so a session made on one instance works on all. An explicitly configured
 * {@code quarkus.http.auth.session.encryption-key} wins. The key is never logged. (A sealed cookie alone signs no one
 * in: it counts only beside the {@link Sessions} cookie of a session still stored, whose value the database holds
 * only as a hash.)
 * <p>
 * The form login is registered here, programmatically, because that is where Quarkus takes a key that is not in the
 * configuration; {@code quarkus.http.auth.form.enabled} stays false so Quarkus makes no second, configured one (which
 * would log a temporary key of its own), and its settings are made here (Quarkus refuses a programmatic form login
 * beside {@code quarkus.http.auth.form.*} settings).
 */
@ApplicationScoped
public class SessionKey {
    public static final String COLLECTION = "secrets";
    static final String ID = "session-encryption-key";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PushDatabase collections;

    @ConfigProperty(name = "quarkus.http.auth.session.encryption-key")
    Optional<String> configured;

    @Inject
    SecurityConfig security;

    void formLogin(@Observes HttpSecurity http) {
        // No login or error page: an unauthenticated call and a failed login get 401, the console shows its own page.
        Form.Builder form = Form.builder().loginPage(null).errorPage(null).landingPage("/").httpOnlyCookie()
                .cookieSameSite(FormAuthConfig.CookieSameSite.STRICT).timeout(security.sessionTimeout());
        if (configured.filter(k -> !k.isBlank()).isEmpty()) {
            form.encryptionKey(shared());
        }
        http.mechanism(form.build());
    }

    /** The stored key, made and stored first if there is none; when instances race, the first insert wins for all. */
    String shared() {
        MongoCollection<Document> secrets = collections.get(COLLECTION);
        Document stored = secrets.find(Filters.eq("_id", ID)).first();
        if (stored == null) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            try {
                secrets.insertOne(new Document("_id", ID).append("key", Base64.getEncoder().encodeToString(key)).append("created", new Date()));
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            stored = secrets.find(Filters.eq("_id", ID)).first();
        }
        return stored.getString("key");
    }
}
