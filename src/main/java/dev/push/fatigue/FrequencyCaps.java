package dev.push.fatigue;

import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies {@link FrequencyCapped} to a campaign's sub-batch, last before it is handed to the channel: the members the
 * policy of the message's category and channel ({@link CapPolicies#applying}) caps are skipped as
 * {@value FrequencyCapped#REASON}; every other one has taken a slot ({@link CapSlots}). A member the channel then failed
 * was not pushed, so its slot is given back ({@link #giveBack}); a crash before that only spends the slot.
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

    /** The recipients a sub-batch keeps under the cap, and the slots they took at {@code at} (none without a policy). */
    public record Kept(List<Delivery.Recipient> to, CapPolicy policy, Instant at) {
    }

    /**
     * The recipients of {@code to} under the cap, in order; adds a skipped outcome to {@code skipped} for each of the
     * others. A {@code critical} message keeps them all and counts toward the cap.
     */
    public Kept keep(List<Delivery.Recipient> to, String channel, String category, boolean critical, List<Outcome> skipped) {
        if (to.isEmpty()) {
            return new Kept(to, null, null);
        }
        CapPolicy policy = policies.applying(category, channel);
        if (policy == null) {
            return new Kept(to, null, null);
        }
        // A member with several devices is one push to the cap: one slot, and one skipped outcome when capped.
        Set<String> members = new LinkedHashSet<>(to.size() * 2);
        to.forEach(r -> members.add(r.memberId()));
        Instant at = clock.instant();
        Set<String> capped = slots.take(policy, new ArrayList<>(members), critical, at);
        if (capped.isEmpty()) {
            return new Kept(to, policy, at);
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
        return new Kept(out, policy, at);
    }

    /** Gives back the slots {@code kept} took for the members the channel failed: they were not pushed. */
    public void giveBack(Kept kept, List<Outcome> outcomes) {
        if (kept.policy() == null || outcomes.stream().noneMatch(o -> o.status() == Outcome.Status.FAILED)) {
            return;
        }
        Set<String> took = new HashSet<>(kept.to().size() * 2);
        kept.to().forEach(r -> took.add(r.memberId()));
        List<String> failed = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.status() == Outcome.Status.FAILED && took.remove(o.memberId())) {
                failed.add(o.memberId());
            }
        }
        if (!failed.isEmpty()) {
            slots.giveBack(kept.policy(), failed, kept.at());
        }
    }
}
