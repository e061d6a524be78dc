package dev.push.api;

import java.util.List;

/** A request the service refuses, answered as application/problem+json. */
public class ApiException extends RuntimeException {
    public final int status;
    public final String title;
    public final List<FieldError> errors;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : errors;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "Bad request", field + ": " + message, List.of(new FieldError(field, message)));
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(404, "Not found", what + " " + id + " does not exist", null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, null);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "Payload too large", detail, null);
    }

    public record FieldError(String field, String message) {
    }
}
