package dev.push.campaign;

import dev.push.channel.Channel;
import dev.push.consent.Categories;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.task.Task;
import dev.push.variant.VariantAssignment;
import dev.push.variant.Variants;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a batch of a campaign's recipients their message through the channel: the campaign's message, or for an A/B
 * campaign each member's variant ({@link VariantAssignment}), one delivery per variant. A channel error fails the
 * members it concerns, retryably; a member of the holdout before the winner is decided is never sent anything.
 */
final class BatchSend {
    private BatchSend() {
    }

    static Uni<List<Outcome>> send(Channel channel, Task campaign, VariantAssignment variants,
                                   List<Delivery.Recipient> to, boolean test, Instant now) {
        Delivery.Hints hints = ProviderHints.at(campaign, now);
        if (to.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        if (variants == null) {
            return one(channel, campaign, campaign.message, to, test, hints);
        }
        Map<Integer, List<Delivery.Recipient>> byVariant = new LinkedHashMap<>();
        List<Outcome> undecided = new ArrayList<>();
        for (Delivery.Recipient r : to) {
            int v = variants.sent(r.memberId());
            if (v == VariantAssignment.HOLDOUT) {
                undecided.add(Outcome.failed(r.memberId(), "held out for the A/B winner, which is not decided", true));
            } else {
                byVariant.computeIfAbsent(v, k -> new ArrayList<>()).add(r);
            }
        }
        List<Uni<List<Outcome>>> sends = new ArrayList<>();
        sends.add(Uni.createFrom().item(undecided));
        byVariant.forEach((v, rs) -> sends.add(one(channel, campaign, Variants.message(campaign, v), rs, test, hints)));
        return Uni.join().all(sends).andFailFast().map(lists -> {
            List<Outcome> all = new ArrayList<>(to.size());
            lists.forEach(all::addAll);
            return all;
        });
    }

    private static Uni<List<Outcome>> one(Channel channel, Task campaign, org.bson.Document message,
                                          List<Delivery.Recipient> to, boolean test, Delivery.Hints hints) {
        return channel.sendFailingEach(new Delivery(campaign.id, campaign.channel, message, to, test,
                Categories.ofCampaign(campaign.category), hints));
    }
}
