package dev.push.op;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.function.Function;

/**
 * Runs one op call and turns whatever happens into the envelope: the op console reads only HTTP
 * 200 bodies, so refusals of the domain services (4xx {@link ApiException}s) become {@code ret} 3
 * with their detail, and anything unexpected {@code ret} 2.
 */
@ApplicationScoped
public class OpCalls {
    private static final Logger LOG = Logger.getLogger(OpCalls.class);

    @Inject
    ObjectMapper json;

    public OpAnswer answer(String body, Function<OpRequest, Object> handler) {
        try {
            return OpAnswer.ok(handler.apply(OpRequest.parse(json, body)));
        } catch (OpRefusal e) {
            return OpAnswer.badParameters(e.getMessage());
        } catch (ApiException e) {
            if (e.status >= 500) {
                LOG.error("op call failed", e);
                return OpAnswer.serverError();
            }
            return OpAnswer.badParameters(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("op call failed", e);
            return OpAnswer.serverError();
        }
    }
}
