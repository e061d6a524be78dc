package dev.push.channel.http;

import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.VertxInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an HTTP channel may send: not to this host or its neighbours' link-local services (cloud
 * metadata at 169.254.169.254 and the like), nor to unspecified, multicast or reserved addresses,
 * unless {@code push.outbound.allow} names the range; never to {@code push.outbound.deny}.
 *
 * <p>The rule is applied to the address the host name resolves to, and the request then connects
 * to exactly that address (the URL's host stays the Host header and the TLS name), so a name that
 * resolves to a public address when checked and to an internal one a moment later (DNS rebinding)
 * cannot slip through. Private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are
 * allowed, as an organisation's own receivers live there, but like every address that is not
 * public their answers are never quoted back in a failure reason.
 */
@ApplicationScoped
public class DestinationGuard {
    /** A named kind of address that is refused unless allowed. */
    private record Rule(String what, List<AddressRange> ranges) {
        boolean matches(InetAddress a) {
            return ranges.stream().anyMatch(r -> r.contains(a));
        }
    }

    private static final List<Rule> REFUSED = List.of(
            rule("a loopback address (this host)", "127.0.0.0/8", "::1/128"),
            rule("a link-local address (where cloud metadata services answer)", "169.254.0.0/16", "fe80::/10"),
            rule("a cloud metadata address", "100.100.100.200/32", "168.63.129.16/32", "fd00:ec2::254/128"),
            rule("an unspecified address", "0.0.0.0/8", "::/128"),
            rule("a multicast address", "224.0.0.0/4", "ff00::/8"),
            rule("a reserved or broadcast address", "240.0.0.0/4"));

    private static final Rule PRIVATE = rule("a private address", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "fc00::/7");

    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");

    private final List<AddressRange> allow;
    private final List<AddressRange> deny;
    private final Vertx vertx;

    @Inject
    public DestinationGuard(OutboundConfig config, Vertx vertx) {
        this.allow = ranges("push.outbound.allow", config.allow().orElse(List.of()));
        this.deny = ranges("push.outbound.deny", config.deny().orElse(List.of()));
        this.vertx = vertx;
    }

    /** Where a request goes: the URL as given, and the checked address it connects to. */
    public record Destination(String url, InetAddress address, int port, boolean isPublic) {
        public SocketAddress server() {
            return SocketAddress.inetSocketAddress(port, address.getHostAddress());
        }
    }

    /** A destination this guard refuses (or a URL that names none); not worth trying again. */
    public static final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Resolves the URL's host without blocking and answers where to connect; fails with
     * {@link Refused} for a URL that is no http(s) URL or an address refused, and with the resolver's
     * error when the name does not resolve.
     */
    public Uni<Destination> resolve(String url) {
        URI uri;
        try {
            uri = target(url);
        } catch (Refused e) {
            return Uni.createFrom().failure(e);
        }
        String host = host(uri);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return Uni.createFrom().<InetAddress>emitter(e -> ((VertxInternal) vertx.getDelegate()).resolveAddress(host, r -> {
            if (r.succeeded()) {
                e.complete(r.result());
            } else {
                e.fail(r.cause());
            }
        })).map(address -> {
            String refusal = refusal(address);
            if (refusal != null) {
                throw new Refused(describe(host, address) + " is " + refusal);
            }
            return new Destination(url, address, port, isPublic(address));
        });
    }

    /**
     * For a channel's settings, before it is saved: why the URL's host is refused, resolving a name
     * now (blocking), or null. A name that does not resolve yet passes: sends check it again.
     */
    public String check(String url) {
        URI uri;
        try {
            uri = target(url);
        } catch (Refused e) {
            return e.getMessage();
        }
        String host = host(uri);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress a : addresses) {
            String refusal = refusal(a);
            if (refusal != null) {
                return describe(host, a) + " is " + refusal;
            }
        }
        return null;
    }

    /** Null when requests to this address are allowed, else what kind of address it is and how to allow it. */
    public String refusal(InetAddress address) {
        InetAddress a = unwrapped(address);
        if (allow.stream().anyMatch(r -> r.contains(a))) {
            return null;
        }
        for (AddressRange r : deny) {
            if (r.contains(a)) {
                return "in " + r.text() + ", refused by push.outbound.deny";
            }
        }
        for (Rule rule : REFUSED) {
            if (rule.matches(a)) {
                return rule.what() + ": outbound requests there are refused unless push.outbound.allow names its range";
            }
        }
        return null;
    }

    /** Whether the address is on the public internet: only then may a failure reason quote the answer's body. */
    public boolean isPublic(InetAddress address) {
        InetAddress a = unwrapped(address);
        return !PRIVATE.matches(a) && REFUSED.stream().noneMatch(r -> r.matches(a))
                && allow.stream().noneMatch(r -> r.contains(a));
    }

    private static URI target(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Refused("invalid URL: " + e.getMessage());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new Refused("not an http:// or https:// URL with a host");
        }
        return uri;
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String describe(String host, InetAddress a) {
        String ip = a.getHostAddress();
        boolean literal = host.equalsIgnoreCase(ip) || host.contains(":");
        return literal ? "destination " + host : "destination " + host + " (" + ip + ")";
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, so the IPv4 rules apply to it. */
    static InetAddress unwrapped(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean mapped = allZero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
        if (mapped || compatible || NAT64.contains(address)) {
            try {
                return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Rule rule(String what, String... cidrs) {
        return new Rule(what, Arrays.stream(cidrs).map(AddressRange::parse).toList());
    }

    private static List<AddressRange> ranges(String setting, List<String> cidrs) {
        List<AddressRange> out = new ArrayList<>();
        for (String c : cidrs) {
            try {
                out.add(AddressRange.parse(c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
