package dev.push.channel.http;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which addresses an HTTP channel may reach, with the settings as an operator writes them. */
class DestinationGuardTest {
    static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() {
        VERTX.closeAndAwait();
    }

    static DestinationGuard guard(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(OutboundConfig.class)
                .withDefaultValues(settings).build();
        return new DestinationGuard(config.getConfigMapping(OutboundConfig.class), VERTX);
    }

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void byDefaultLoopbackLinkLocalMetadataUnspecifiedMulticastAndReservedAddressesAreRefused() throws Exception {
        DestinationGuard guard = guard(Map.of());
        for (String refused : List.of("127.0.0.1", "127.9.9.9", "::1", "169.254.169.254", "169.254.0.1", "fe80::1",
                "100.100.100.200", "168.63.129.16", "fd00:ec2::254", "0.0.0.0", "::", "224.0.0.1", "ff02::1",
                "255.255.255.255", "240.0.0.1",
                "::ffff:169.254.169.254", "::169.254.169.254", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1")) {
            assertTrue(guard.refusal(ip(refused)) != null, refused + " is refused");
        }
        for (String allowed : List.of("93.184.216.34", "8.8.8.8", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                "100.64.0.1", "fc00::1", "2606:4700::1111")) {
            assertNull(guard.refusal(ip(allowed)), allowed + " is allowed");
        }
    }

    @Test
    void theReasonSaysWhatKindOfAddressItIsAndWhichSettingAllowsIt() throws Exception {
        assertEquals("a link-local address (where cloud metadata services answer): outbound requests there are refused"
                + " unless push.outbound.allow names its range", guard(Map.of()).refusal(ip("169.254.169.254")));
    }

    @Test
    void onlyPublicAddressesMayHaveTheirAnswersQuoted() throws Exception {
        DestinationGuard guard = guard(Map.of("push.outbound.allow", "127.0.0.0/8"));
        assertTrue(guard.isPublic(ip("93.184.216.34")));
        assertTrue(guard.isPublic(ip("2606:4700::1111")));
        for (String internal : List.of("127.0.0.1", "10.1.2.3", "192.168.1.1", "fc00::1", "169.254.169.254")) {
            assertFalse(guard.isPublic(ip(internal)), internal);
        }
    }

    @Test
    void theAllowListOpensExactlyItsRanges() throws Exception {
        DestinationGuard guard = guard(Map.of("push.outbound.allow", "127.0.0.0/8,::1/128"));
        assertNull(guard.refusal(ip("127.0.0.1")));
        assertNull(guard.refusal(ip("::1")));
        assertTrue(guard.refusal(ip("169.254.169.254")) != null);
        assertTrue(guard.refusal(ip("0.0.0.0")) != null);
    }

    @Test
    void theDenyListRefusesMoreRanges() throws Exception {
        DestinationGuard guard = guard(Map.of("push.outbound.deny", "10.0.0.0/8"));
        assertEquals("in 10.0.0.0/8, refused by push.outbound.deny", guard.refusal(ip("10.20.30.40")));
        assertNull(guard.refusal(ip("11.0.0.1")));
    }

    @Test
    void aRangeThatIsNoAddressRangeStopsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> guard(Map.of("push.outbound.allow", "localhost/8")));
        assertEquals("push.outbound.allow: localhost/8 is not an address range (e.g. 127.0.0.0/8 or ::1/128)", e.getMessage());
    }

    @Test
    void aNameIsJudgedByTheAddressItResolvesTo() {
        DestinationGuard guard = guard(Map.of());
        DestinationGuard.Refused refused = assertThrows(DestinationGuard.Refused.class,
                () -> guard.resolve("http://localhost:8080/hook").await().atMost(Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().startsWith("destination localhost (127.0.0.1) is a loopback address")
                || refused.getMessage().startsWith("destination localhost (0:0:0:0:0:0:0:1) is a loopback address"), refused.getMessage());
        assertTrue(guard.check("http://localhost/hook").startsWith("destination localhost ("));
    }

    @Test
    void anAllowedNameConnectsToTheAddressThatWasChecked() {
        DestinationGuard guard = guard(Map.of("push.outbound.allow", "127.0.0.0/8,::1/128"));
        DestinationGuard.Destination to = guard.resolve("http://localhost:8080/hook").await().atMost(Duration.ofSeconds(10));
        assertTrue(to.address().isLoopbackAddress());
        assertEquals(8080, to.port());
        assertEquals(to.address().getHostAddress(), to.server().host(), "the connection goes to the checked address");
        assertEquals(443, guard.resolve("https://[::1]/x").await().atMost(Duration.ofSeconds(10)).port());
    }

    @Test
    void aUrlThatIsNoHttpUrlIsRefusedBeforeAnyLookup() {
        DestinationGuard guard = guard(Map.of());
        assertEquals("not an http:// or https:// URL with a host", guard.check("file:///etc/passwd"));
        assertEquals("not an http:// or https:// URL with a host", guard.check("gopher://example.org/"));
        assertTrue(guard.check("http://[fe80::1]/x").startsWith("destination fe80::1 is a link-local address"),
                guard.check("http://[fe80::1]/x"));
        assertNull(guard.check("https://push-receiver.invalid/hook"), "a name that does not resolve yet is checked when sent to");
    }
}
