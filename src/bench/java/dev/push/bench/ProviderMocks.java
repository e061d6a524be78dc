package dev.push.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Push providers on loopback for the channel benchmark (issue 15): FCM HTTP v1 with its OAuth2 token endpoint, APNs
 * and a Web Push service, each a TLS server speaking HTTP/2 (ALPN; HTTP/1.1 too), answering every push after a fixed
 * latency, as many streams per connection as the real service allows (FCM and Web Push 100, APNs 1,000); APNs on
 * Netty, the others on Vert.x. Each counts
 * what it accepted per device, so a run shows that every member got exactly one push. The certificate is made for the
 * run by the JDK's keytool, for 127.0.0.1 and fcm.googleapis.com (the SDK is pointed here by name).
 */
final class ProviderMocks implements AutoCloseable {
    static final String PASSWORD = "changeit";

    /** One provider's server: its port and what it accepted. */
    static final class Provider {
        final int port;
        final AtomicLong accepted = new AtomicLong();
        final Set<String> devices = ConcurrentHashMap.newKeySet();
        final AtomicLong repeated = new AtomicLong();

        Provider(int port) {
            this.port = port;
        }

        void count(String device) {
            accepted.incrementAndGet();
            if (!devices.add(device)) {
                repeated.incrementAndGet();
            }
        }

        void reset() {
            accepted.set(0);
            devices.clear();
            repeated.set(0);
        }
    }

    final Path keyStore;
    final Path trustStore;
    final String certificatePem;
    final Provider fcm;
    final Provider apns;
    final Provider webPush;
    private final Vertx vertx = Vertx.vertx();
    private final long latencyMs;

    ProviderMocks(Path dir, long latencyMs, int eventLoops) throws Exception {
        this.latencyMs = latencyMs;
        Files.createDirectories(dir);
        keyStore = dir.resolve("providers.p12");
        trustStore = dir.resolve("providers-trust.p12");
        Files.deleteIfExists(keyStore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "providers", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost,dns:fcm.googleapis.com", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(keytool.getInputStream().readAllBytes()));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keyStore.toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("providers");
        certificatePem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("providers", cert);
        try (FileOutputStream out = new FileOutputStream(trustStore.toFile())) {
            trust.store(out, PASSWORD.toCharArray());
        }
        fcm = serve(100, eventLoops, this::fcm);
        apns = apns((java.security.PrivateKey) ks.getKey("providers", PASSWORD.toCharArray()), cert, eventLoops);
        webPush = serve(100, eventLoops, this::webPush);
    }

    private interface Handler {
        void handle(HttpServerRequest request, Provider provider);
    }

    /** Nobody knows a server's port before it is registered here, so every request finds its provider. */
    private final ConcurrentHashMap<Integer, Provider> byPort = new ConcurrentHashMap<>();

    private Provider serve(int streams, int instances, Handler handler) throws Exception {
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(Service.freePort()).setSsl(true).setUseAlpn(true)
                .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(PASSWORD))
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(streams));
        HttpServer first = vertx.createHttpServer(options);
        first.requestHandler(r -> handler.handle(r, byPort.get(r.localAddress().port())));
        int port = first.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        Provider provider = new Provider(port);
        byPort.put(port, provider);
        // More servers on the same port spread connections over more event loops.
        for (int i = 1; i < instances; i++) {
            vertx.createHttpServer(options)
                    .requestHandler(r -> handler.handle(r, byPort.get(r.localAddress().port())))
                    .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return provider;
    }

    private void later(Runnable answer) {
        vertx.setTimer(latencyMs, t -> answer.run());
    }

    private void fcm(HttpServerRequest request, Provider provider) {
        if (request.path().equals("/token")) {
            request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("access_token", "bench-" + UUID.randomUUID()).put("expires_in", 3600).put("token_type", "Bearer").encode());
            return;
        }
        request.body().onSuccess(body -> {
            String token = body.toJsonObject().getJsonObject("message").getString("token");
            later(() -> {
                provider.count(token);
                request.response().putHeader("Content-Type", "application/json")
                        .end("{\"name\":\"projects/bench/messages/" + token + "\"}");
            });
        });
    }

    /**
     * APNs on Netty rather than Vert.x: Pushy speaks HTTP/2 over TLS by prior knowledge, without ALPN, which Vert.x's
     * server answers as HTTP/1.1.
     */
    private Provider apns(java.security.PrivateKey key, X509Certificate cert, int eventLoops) throws Exception {
        io.netty.handler.ssl.SslContext ssl = io.netty.handler.ssl.SslContextBuilder.forServer(key, cert).build();
        int port = Service.freePort();
        Provider provider = new Provider(port);
        apnsLoops = new io.netty.channel.nio.NioEventLoopGroup(eventLoops);
        new io.netty.bootstrap.ServerBootstrap().group(apnsLoops)
                .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()),
                                io.netty.handler.codec.http2.Http2FrameCodecBuilder.forServer()
                                        .initialSettings(io.netty.handler.codec.http2.Http2Settings.defaultSettings()
                                                .maxConcurrentStreams(1000)).build(),
                                new io.netty.handler.codec.http2.Http2MultiplexHandler(new ApnsStream(provider)));
                    }
                }).bind("127.0.0.1", port).sync();
        return provider;
    }

    private io.netty.channel.EventLoopGroup apnsLoops;

    /** One push on its own stream: answered 200 with its apns-id once the body has arrived and the latency passed. */
    @io.netty.channel.ChannelHandler.Sharable
    private final class ApnsStream extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Provider provider;

        ApnsStream(Provider provider) {
            this.provider = provider;
        }

        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http2.Http2HeadersFrame h) {
                CharSequence path = h.headers().path();
                CharSequence id = h.headers().get("apns-id");
                ctx.channel().attr(TOKEN).set(path.toString().substring(path.toString().lastIndexOf('/') + 1));
                ctx.channel().attr(ID).set(id == null ? UUID.randomUUID().toString() : id.toString());
                if (h.isEndStream()) {
                    answer(ctx);
                }
            } else if (msg instanceof io.netty.handler.codec.http2.Http2DataFrame d) {
                boolean end = d.isEndStream();
                d.release();
                if (end) {
                    answer(ctx);
                }
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        private void answer(io.netty.channel.ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                provider.count(ctx.channel().attr(TOKEN).get());
                ctx.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2HeadersFrame(
                        new io.netty.handler.codec.http2.DefaultHttp2Headers().status("200")
                                .add("apns-id", ctx.channel().attr(ID).get()), true));
            }, latencyMs, TimeUnit.MILLISECONDS);
        }
    }

    private static final io.netty.util.AttributeKey<String> TOKEN = io.netty.util.AttributeKey.valueOf("apns-token");
    private static final io.netty.util.AttributeKey<String> ID = io.netty.util.AttributeKey.valueOf("apns-id");

    private void webPush(HttpServerRequest request, Provider provider) {
        String subscription = request.path().substring(request.path().lastIndexOf('/') + 1);
        request.body().onSuccess(body -> later(() -> {
            provider.count(subscription);
            request.response().setStatusCode(201).end();
        }));
    }

    @Override
    public void close() throws Exception {
        apnsLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
