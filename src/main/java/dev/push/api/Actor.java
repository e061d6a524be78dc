package dev.push.api;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.security.identity.SecurityIdentity;

/** The name of the user making the current request, for task histories and the audit trail. */
public final class Actor {
    public static final String SYSTEM = "system";

    private Actor() {
    }

    public static String name() {
        try (InstanceHandle<SecurityIdentity> h = Arc.container().instance(SecurityIdentity.class)) {
            SecurityIdentity identity = h.isAvailable() ? h.get() : null;
            if (identity != null && !identity.isAnonymous()) {
                return identity.getPrincipal().getName();
            }
        } catch (RuntimeException e) {
            // no request context (engine threads): the system acts
        }
        return SYSTEM;
    }
}
