package dev.push.campaign;

import dev.push.consent.Categories;
import dev.push.api.ApiException;
import dev.push.channel.Channel;
import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.channel.Recipients;
import dev.push.member.MemberId;
import dev.push.task.Task;
import dev.push.task.Tasks;
import dev.push.variant.VariantAssignment;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An operator's trial of a campaign's message on a few members or raw addresses, through the
 * campaign's channel. It writes nothing: no claims, no delivery records, no counters; the channel
 * marks it as a test and gives it idempotency keys of its own.
 */
@ApplicationScoped
public class TestSend {
    static final int MAX = 100;
    static final String ADDRESS = "address#";
    static final Duration LIMIT = Duration.ofMinutes(2);

    @Inject
    java.time.Clock clock;

    @Inject
    Tasks tasks;

    @Inject
    Channels channels;

    @Inject
    Recipients recipients;

    public record Request(List<String> memberIds, List<String> addresses) {
    }

    public record Result(String memberId, String address, String state, String reason, Boolean retryable) {
    }

    public List<Result> send(long campaignId, Request request) {
        Task campaign = tasks.get(Task.CAMPAIGN, campaignId);
        List<String> ids = request == null || request.memberIds() == null ? List.of() : request.memberIds();
        List<String> addresses = request == null || request.addresses() == null ? List.of() : request.addresses();
        if (ids.isEmpty() && addresses.isEmpty()) {
            throw ApiException.badRequest("memberIds", "give memberIds or addresses to send the test to");
        }
        if (ids.size() + addresses.size() > MAX) {
            throw ApiException.badRequest("memberIds", "a test goes to at most " + MAX + " members and addresses");
        }
        for (String id : ids) {
            if (!MemberId.isValid(id)) {
                throw ApiException.badRequest("memberIds", "'" + id + "': member id " + MemberId.RULE);
            }
        }
        Channel channel = channels.get(campaign.channel);
        if (!addresses.isEmpty() && channel.addressKind() == null) {
            throw ApiException.badRequest("addresses", "channel " + channel.name()
                    + " takes no member address; test it with memberIds");
        }
        List<Outcome> skipped = new ArrayList<>();
        List<Delivery.Recipient> to = new ArrayList<>(recipients.of(ids, channel, Categories.ofCampaign(campaign.category), skipped));
        for (int i = 0; i < addresses.size(); i++) {
            // '#' is never in a member id, so these stand-ins cannot collide with a real member.
            to.add(new Delivery.Recipient(ADDRESS + (i + 1), addresses.get(i), Map.of()));
        }
        List<Outcome> outcomes = new ArrayList<>(skipped);
        if (!to.isEmpty()) {
            outcomes.addAll(BatchSend.send(channel, campaign, VariantAssignment.of(campaign), to, true, clock.instant()).await().atMost(LIMIT));
        }
        List<Result> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            String address = null;
            if (o.memberId().startsWith(ADDRESS)) {
                address = addresses.get(Integer.parseInt(o.memberId().substring(ADDRESS.length())) - 1);
            }
            out.add(new Result(address == null ? o.memberId() : null, address, o.status().name().toLowerCase(),
                    o.reason(), o.status() == Outcome.Status.FAILED ? o.retryable() : null));
        }
        return out;
    }
}
