package dev.push.fatigue;

import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies {@link FrequencyCapped} to a campaign's sub-batch, last before it is handed to the channel: the members the
 * policy of the message's category and channel ({@link CapPolicies#applying}) caps are skipped as
 * {@value FrequencyCapped#REASON}; every other one has taken a slot ({@link CapSlots}).
 */
@ApplicationScoped
public class FrequencyCaps {
    private final CapPolicies policies;
    private final CapSlots slots;
    private final Clock clock;

    @Inject
    public FrequencyCaps(CapPolicies policies, CapSlots slots, Clock clock) {
        this.policies = policies;
        this.slots = slots;
        this.clock = clock;
    }

    /**
     * The recipients of {@code to} under the cap, in order; adds a skipped outcome to {@code skipped} for each of the
     * others. A {@code critical} message keeps them all and counts toward the cap.
     */
    public List<Delivery.Recipient> keep(List<Delivery.Recipient> to, String channel, String category, boolean critical,
                                         List<Outcome> skipped) {
        if (to.isEmpty()) {
            return to;
        }
        CapPolicy policy = policies.applying(category, channel);
        if (policy == null) {
            return to;
        }
        // A member with several devices is one push to the cap: one slot, and one skipped outcome when capped.
        Set<String> members = new LinkedHashSet<>(to.size() * 2);
        to.forEach(r -> members.add(r.memberId()));
        Set<String> capped = slots.take(policy, new ArrayList<>(members), critical, clock.instant());
        if (capped.isEmpty()) {
            return to;
        }
        List<Delivery.Recipient> out = new ArrayList<>(to.size() - capped.size());
        for (Delivery.Recipient r : to) {
            if (capped.contains(r.memberId())) {
                if (members.remove(r.memberId())) {
                    skipped.add(Outcome.skipped(r.memberId(), FrequencyCapped.REASON));
                }
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
