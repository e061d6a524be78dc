package dev.push.send;

import dev.push.campaign.CampaignRequest;
import jakarta.validation.Valid;

import java.util.List;

/**
 * What an app back end (or an operator) sends to push a message now: the members (1 to 1,000), the channel's name,
 * the message (a campaign's kind of message, its links sent as given) or the name of a saved {@code template}, and the
 * category ({@code account} when absent).
 */
public record SendRequest(List<String> members, String channel, @Valid CampaignRequest.Message message, String category,
                          String template) {
}
