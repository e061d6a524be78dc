package dev.push.channel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rule that makes a member's outcome the best of its devices', each device's kept. */
class DeviceOutcomesTest {
    static Delivery.Recipient device(String member, String device) {
        return new Delivery.Recipient(member, "tok-" + member + "-" + device, Map.of(), device);
    }

    static Outcome.OfDevice of(String device, Outcome.Status status, String reason) {
        return new Outcome.OfDevice(device, status, reason);
    }

    @Test
    void aMemberOneOfWhoseDevicesWasSentIsSentWithEachDevicesOutcome() {
        List<Outcome> out = DeviceOutcomes.perMember(List.of(device("m", "phone"), device("m", "tablet"), device("m", "watch")),
                List.of(Outcome.sent("m"), Outcome.failed("m", "404 UNREGISTERED", false), Outcome.sent("m")));

        assertEquals(List.of(new Outcome("m", Outcome.Status.SENT, null, false, List.of(of("phone", Outcome.Status.SENT, null),
                of("tablet", Outcome.Status.FAILED, "404 UNREGISTERED"), of("watch", Outcome.Status.SENT, null)))), out);
    }

    @Test
    void aMemberWhoseDevicesAllFailedFailsRetryablyWhenAnyFailureIs() {
        List<Outcome> out = DeviceOutcomes.perMember(List.of(device("m", "a"), device("m", "b")),
                List.of(Outcome.failed("m", "gone", false), Outcome.failed("m", "503 UNAVAILABLE", true)));

        assertEquals(List.of(new Outcome("m", Outcome.Status.FAILED, "device a: gone; device b: 503 UNAVAILABLE", true,
                List.of(of("a", Outcome.Status.FAILED, "gone"), of("b", Outcome.Status.FAILED, "503 UNAVAILABLE")))), out);
    }

    @Test
    void membersKeepTheirOrderAndASingleAddressPassesUnchanged() {
        List<Outcome> out = DeviceOutcomes.perMember(
                List.of(device("a", "1"), new Delivery.Recipient("b", "tok-b"), device("a", "2"), device("c", "1")),
                List.of(Outcome.failed("a", "x", false), Outcome.sent("b"), Outcome.sent("a"), Outcome.skipped("c", "y")));

        assertEquals(List.of("a", "b", "c"), out.stream().map(Outcome::memberId).toList());
        assertEquals(List.of(Outcome.Status.SENT, Outcome.Status.SENT, Outcome.Status.SKIPPED), out.stream().map(Outcome::status).toList());
        assertEquals(Outcome.sent("b"), out.get(1));
        assertEquals(List.of(of("1", Outcome.Status.FAILED, "x"), of("2", Outcome.Status.SENT, null)), out.get(0).devices());
    }

    @Test
    void withoutDevicesTheOutcomesAreAnsweredAsTheChannelGaveThem() {
        List<Outcome> given = List.of(Outcome.sent("a"), Outcome.failed("b", "x", true));

        assertEquals(given, DeviceOutcomes.perMember(List.of(new Delivery.Recipient("a", "1"), new Delivery.Recipient("b", "2")), given));
    }
}
