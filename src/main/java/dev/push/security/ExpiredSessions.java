package dev.push.security;

import dev.push.storage.RetentionRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Date;

/** Sessions unseen for longer than their cookie can live go (a login also removes them). */
@ApplicationScoped
class ExpiredSessions implements RetentionRule {
    @Inject
    Sessions sessions;

    @Override
    public String describe() {
        return "sessions unseen for " + sessions.lifetime();
    }

    @Override
    public long sweep(Date now) {
        return sessions.expire(now);
    }
}
