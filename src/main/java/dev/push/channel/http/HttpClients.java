package dev.push.channel.http;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP client the HTTP channels (webhook, FCM) share: Vert.x's web client on Quarkus' own event
 * loops, so a send holds no thread while it waits, with a keep-alive pool per host. One pool for
 * all channels, so a changed channel configuration reuses the open connections.
 */
@ApplicationScoped
public class HttpClients {
    private final WebClient client;
    private final WebClient http2;

    @Inject
    public HttpClients(Vertx vertx, HttpConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setMaxPoolSize(config.maxConnectionsPerHost())
                .setMaxWaitQueueSize(-1)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setFollowRedirects(false)
                .setUserAgent("push"));
        // h2 negotiated by ALPN over TLS; on a cleartext URL (a mock on loopback) HTTP/2 with prior knowledge.
        this.http2 = WebClient.create(vertx, new WebClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setUseAlpn(true)
                .setHttp2ClearTextUpgrade(false)
                .setHttp2MaxPoolSize(config.http2ConnectionsPerHost())
                .setHttp2MultiplexingLimit(-1)
                .setKeepAlive(true)
                .setMaxWaitQueueSize(-1)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setFollowRedirects(false)
                .setUserAgent("push"));
    }

    /** HTTP/1.1 with a keep-alive pool per host. */
    public WebClient client() {
        return client;
    }

    /** HTTP/2, many requests multiplexed on each of a few connections per host. */
    public WebClient http2() {
        return http2;
    }

    @PreDestroy
    void close() {
        client.close();
        http2.close();
    }
}
