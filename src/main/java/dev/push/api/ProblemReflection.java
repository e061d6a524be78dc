package dev.push.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Lets Jackson read {@link Problem} and {@link ApiException.FieldError} in a native executable. They reach Jackson
 * only inside the {@code Response} the exception mappers build, so Quarkus cannot see them in any endpoint's
 * signature and does not register them itself; without this a native build answers errors with an empty body.
 */
@RegisterForReflection(targets = {Problem.class, ApiException.FieldError.class})
final class ProblemReflection {
    private ProblemReflection() {
    }
}
