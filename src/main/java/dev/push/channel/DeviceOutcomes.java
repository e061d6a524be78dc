package dev.push.channel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule that turns the outcomes of a member's devices into the member's: sent if any device was sent; else failed
 * if any failed (retryable if any failure is), with each device's reason; else skipped. Each device's outcome is kept
 * with the member's. A channel answers its recipients' outcomes in their order, so a member's k-th outcome is that of
 * its k-th device. Outcomes of recipients without a device pass unchanged.
 */
public final class DeviceOutcomes {
    private DeviceOutcomes() {
    }

    /** One outcome per member of {@code recipients}, in the order of their first recipient. */
    public static List<Outcome> perMember(List<Delivery.Recipient> recipients, List<Outcome> outcomes) {
        if (recipients.stream().allMatch(r -> r.device() == null)) {
            return outcomes;
        }
        Map<String, ArrayDeque<Outcome>> byMember = new HashMap<>();
        for (Outcome o : outcomes) {
            byMember.computeIfAbsent(o.memberId(), m -> new ArrayDeque<>()).add(o);
        }
        Map<String, List<Outcome.OfDevice>> devices = new LinkedHashMap<>();
        List<Outcome> out = new ArrayList<>();
        Map<String, Integer> at = new HashMap<>();
        Map<String, Boolean> retryable = new HashMap<>();
        for (Delivery.Recipient r : recipients) {
            ArrayDeque<Outcome> mine = byMember.get(r.memberId());
            Outcome o = mine == null ? null : mine.poll();
            if (o == null) {
                continue;
            }
            if (r.device() == null) {
                out.add(o);
                continue;
            }
            if (!devices.containsKey(r.memberId())) {
                at.put(r.memberId(), out.size());
                out.add(null);
            }
            devices.computeIfAbsent(r.memberId(), m -> new ArrayList<>()).add(new Outcome.OfDevice(r.device(), o.status(), o.reason()));
            retryable.merge(r.memberId(), o.status() == Outcome.Status.FAILED && o.retryable(), Boolean::logicalOr);
        }
        devices.forEach((member, each) -> out.set(at.get(member), best(member, each, retryable.get(member))));
        return out;
    }

    private static Outcome best(String member, List<Outcome.OfDevice> each, boolean anyRetryable) {
        if (each.stream().anyMatch(d -> d.status() == Outcome.Status.SENT)) {
            return new Outcome(member, Outcome.Status.SENT, null, false, List.copyOf(each));
        }
        List<String> reasons = new ArrayList<>();
        Outcome.Status status = Outcome.Status.SKIPPED;
        for (Outcome.OfDevice d : each) {
            if (d.status() == Outcome.Status.FAILED) {
                status = Outcome.Status.FAILED;
            }
            reasons.add("device " + d.device() + ": " + d.reason());
        }
        return new Outcome(member, status, String.join("; ", reasons), status == Outcome.Status.FAILED && anyRetryable,
                List.copyOf(each));
    }
}
