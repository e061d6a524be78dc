package dev.push.channel.limits;

/**
 * How many service instances are live now, so a channel's cluster-wide limits can be shared out
 * without a database read per send. The engine answers (liveness is judged in one place).
 */
public interface LiveInstances {
    int count();
}
