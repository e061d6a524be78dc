package dev.push.security;

import dev.push.storage.SharedSecrets;
import io.quarkus.vertx.http.runtime.FormAuthConfig;
import io.quarkus.vertx.http.security.Form;
import io.quarkus.vertx.http.security.HttpSecurity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The key that seals the console's session cookie, the same on every instance with no configuration: the first
 * instance to start makes a random one and stores it in the {@value #COLLECTION} collection ({@link SharedSecrets}); every instance, then and
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
    public static final String COLLECTION = SharedSecrets.COLLECTION;
    static final String ID = "session-encryption-key";

    @Inject
    SharedSecrets secrets;

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

    /** The stored key, shared by every instance ({@link SharedSecrets}). */
    String shared() {
        return secrets.key(ID);
    }
}
