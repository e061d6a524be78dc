package dev.push.channel.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The connection pool the HTTP channels (webhook, FCM) share ({@link HttpClients}). */
@ConfigMapping(prefix = "push.http")
public interface HttpConfig {
    /** Open connections per host at most. */
    @WithDefault("128")
    int maxConnectionsPerHost();

    /** A connection not established within this fails the send. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** A kept-alive connection idle for this long is closed. */
    @WithDefault("60s")
    Duration idleTimeout();
}
