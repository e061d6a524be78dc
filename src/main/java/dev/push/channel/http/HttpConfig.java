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

    /**
     * HTTP/2 connections per host at most, for the channels that speak it (FCM): each carries as many requests at
     * once as the server allows (its SETTINGS_MAX_CONCURRENT_STREAMS): FCM allows 100, so 16 carry 1,600 in flight,
     * 10,000 messages/s at 160 ms a message. Connections are opened only as the load needs them.
     */
    @WithDefault("16")
    int http2ConnectionsPerHost();

    /** A connection not established within this fails the send. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** A kept-alive connection idle for this long is closed. */
    @WithDefault("60s")
    Duration idleTimeout();
}
