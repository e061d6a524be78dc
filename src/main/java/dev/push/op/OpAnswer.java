package dev.push.op;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The envelope of every op answer, always sent with HTTP 200: {@code ret} 1 ok, 2 server error,
 * 3 bad parameters; {@code msg} and {@code detail} only when not ok, {@code data} only when ok.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpAnswer(int ret, String msg, String detail, Object data) {
    public static final int OK = 1;
    public static final int SERVER_ERROR = 2;
    public static final int BAD_PARAMETERS = 3;

    public static OpAnswer ok(Object data) {
        return new OpAnswer(OK, null, null, data);
    }

    public static OpAnswer badParameters(String detail) {
        return new OpAnswer(BAD_PARAMETERS, "bad parameters", detail, null);
    }

    public static OpAnswer serverError() {
        return new OpAnswer(SERVER_ERROR, "server error", "the request failed; the error is in the service log", null);
    }
}
