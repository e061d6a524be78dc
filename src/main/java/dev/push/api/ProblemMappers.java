package dev.push.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** Turns every failure of a request into problem+json; a stack trace never reaches a client. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return Problem.response(e.status, e.title, e.getMessage(), e.errors);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<ApiException.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new ApiException.FieldError(fieldOf(v), v.getMessage()))
                .collect(Collectors.toList());
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return Problem.response(400, "Bad request", detail, errors);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String field = "body";
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser
                && parser.getParsingContext() != null && parser.getParsingContext().getCurrentName() != null
                && !(e instanceof MismatchedInputException)) {
            // A number out of range and the like: the parser knows which field it was reading.
            field = parser.getParsingContext().getCurrentName();
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        String message = e instanceof InvalidFormatException || e instanceof MismatchedInputException
                || e instanceof com.fasterxml.jackson.core.exc.InputCoercionException
                ? "has the wrong type or format"
                : "is not valid JSON: " + e.getOriginalMessage();
        return Problem.response(400, "Bad request", field + " " + message, List.of(new ApiException.FieldError(field, message)));
    }

    /** Quarkus maps this type itself (without the field); ours, for the same type, wins. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException j) {
            return json(j);
        }
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return Problem.response(status, title, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("Unexpected error while handling a request", e);
        return Problem.response(500, "Internal error", "The request failed; the error is in the service log", null);
    }

    private static String fieldOf(ConstraintViolation<?> v) {
        // Paths look like "create.body.workers": the last node is the field the client sent.
        String path = v.getPropertyPath().toString();
        int dot = path.indexOf('.');
        String rest = dot < 0 ? path : path.substring(dot + 1);
        int second = rest.indexOf('.');
        return second < 0 ? rest : rest.substring(second + 1);
    }
}
