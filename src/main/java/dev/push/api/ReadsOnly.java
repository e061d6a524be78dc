package dev.push.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route that answers with POST but changes nothing (a count, a preview, an op read): the audit
 * trail leaves it out. Stated on the route itself, so the rule cannot drift from the routes.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadsOnly {
}
