package dev.push.security;

import dev.push.api.Actor;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.push.api.ApiException;
import dev.push.storage.PushDatabase;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** The {@code users} collection: name (the _id), bcrypt hash of the password, roles. */
@ApplicationScoped
public class Users {
    public static final String COLLECTION = "users";
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Logger LOG = Logger.getLogger(Users.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PushDatabase collections;

    @Inject
    AdminConfig admin;

    public record UserView(String name, List<String> roles, Date created) {
    }

    MongoCollection<Document> users() {
        return collections.get(COLLECTION);
    }

    void onStart(@Observes StartupEvent event) {
        ensureAdmin();
    }

    /** First start: with no user at all, creates {@code admin} with the configured password or a generated one. */
    synchronized void ensureAdmin() {
        if (users().countDocuments() > 0) {
            return;
        }
        String password = admin.password().filter(p -> !p.isBlank()).orElse(null);
        boolean generated = password == null;
        if (generated) {
            password = randomText(18);
        }
        try {
            insert("admin", password, List.of(Roles.ADMIN), Actor.SYSTEM);
        } catch (ApiException e) {
            return; // another instance created it first
        }
        if (generated) {
            LOG.warnf("First start: created the user 'admin' with the generated password %s "
                    + "(shown only this once; set PUSH_ADMIN_PASSWORD to choose it)", password);
        } else {
            LOG.info("First start: created the user 'admin' with the password from push.admin.password");
        }
    }

    public UserView create(String name, String password, List<String> roles, String by) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name", "must be 1 to 64 letters, digits or ._@-");
        }
        if (password == null || password.length() < 8 || password.length() > 128) {
            throw ApiException.badRequest("password", "must be 8 to 128 characters");
        }
        if (roles == null || roles.isEmpty() || !roles.stream().allMatch(Roles::valid)) {
            throw ApiException.badRequest("roles", "must be one or more of " + Roles.ALL);
        }
        return insert(name, password, roles, by);
    }

    private UserView insert(String name, String password, List<String> roles, String by) {
        Date now = new Date();
        Document d = new Document("_id", name).append("password", BcryptUtil.bcryptHash(password))
                .append("roles", new ArrayList<>(roles)).append("created", now).append("createdBy", by);
        try {
            users().insertOne(d);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw ApiException.conflict("user " + name + " exists");
            }
            throw e;
        }
        return view(d);
    }

    public List<UserView> list() {
        List<UserView> out = new ArrayList<>();
        users().find().sort(Sorts.ascending("_id")).forEach(d -> out.add(view(d)));
        return out;
    }

    public Optional<UserView> find(String name) {
        return Optional.ofNullable(users().find(Filters.eq("_id", name)).first()).map(Users::view);
    }

    public boolean delete(String name) {
        return users().deleteOne(Filters.eq("_id", name)).getDeletedCount() > 0;
    }

    /**
     * The user when the password matches its hash. An unknown user's password is checked against {@link #UNKNOWN_USER_HASH}
     * all the same, so a wrong password costs one bcrypt verification whether the user exists or not, and the answer's
     * time does not tell which user names exist. A password found right for the same stored hash within the last
     * minute is not checked again ({@link VerifiedPasswords}).
     */
    public Optional<UserView> verify(String name, char[] password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        Document d = users().find(Filters.eq("_id", name)).first();
        String given = new String(password);
        if (d != null && verifiedPasswords.recentlyVerified(name, d.getString("password"), given)) {
            return Optional.of(view(d));
        }
        boolean matches = passwordMatches(given, d == null ? UNKNOWN_USER_HASH : d.getString("password"));
        if (d != null && matches) {
            verifiedPasswords.verified(name, d.getString("password"), given);
            return Optional.of(view(d));
        }
        return Optional.empty();
    }

    /** A bcrypt hash, made like every stored one (BcryptUtil's cost), of a random password no one knows. */
    static final String UNKNOWN_USER_HASH = BcryptUtil.bcryptHash(randomText(24));

    private static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private final AtomicLong passwordChecks = new AtomicLong();
    private final VerifiedPasswords verifiedPasswords = new VerifiedPasswords(System::nanoTime);

    private boolean passwordMatches(String password, String hash) {
        passwordChecks.incrementAndGet();
        return BcryptUtil.matches(password, hash);
    }

    /** How many bcrypt verifications this instance made (the tests see that an unknown user costs one too). */
    long passwordChecks() {
        return passwordChecks.get();
    }

    static UserView view(Document d) {
        return new UserView(d.getString("_id"), d.getList("roles", String.class), d.getDate("created"));
    }
}
