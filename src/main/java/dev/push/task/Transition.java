package dev.push.task;

import java.util.Date;

/** One entry of a task's audit trail: who moved it from which state to which, when and why. */
public class Transition {
    public Date at;
    public String from;
    public String to;
    public String by;
    public String reason;
    /** The figures behind a decision (an A/B test's winner), when there are any. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public org.bson.Document details;

    public Transition() {
    }

    public Transition(Date at, String from, String to, String by, String reason) {
        this.at = at;
        this.from = from;
        this.to = to;
        this.by = by;
        this.reason = reason;
    }
}
