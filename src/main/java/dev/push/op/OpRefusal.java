package dev.push.op;

/** A request the op API refuses with {@code ret} 3; the message is the answer's {@code detail}. */
public class OpRefusal extends RuntimeException {
    public OpRefusal(String detail) {
        super(detail);
    }
}
