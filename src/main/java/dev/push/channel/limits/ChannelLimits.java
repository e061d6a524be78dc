package dev.push.channel.limits;

import org.bson.Document;

/**
 * A channel's limits over the whole cluster, on top of each campaign's qps: {@code perSecond}
 * messages a second (FCM's default quota is 600,000 a minute per project, i.e. 10,000 a second)
 * and {@code inFlight} messages being sent at once. Each live instance takes an equal share.
 */
public record ChannelLimits(Integer perSecond, Integer inFlight) {

    public boolean any() {
        return perSecond != null || inFlight != null;
    }

    public Document toDocument() {
        Document d = new Document();
        if (perSecond != null) {
            d.append("perSecond", perSecond);
        }
        if (inFlight != null) {
            d.append("inFlight", inFlight);
        }
        return d;
    }

    public static ChannelLimits of(Document d) {
        return d == null ? new ChannelLimits(null, null) : new ChannelLimits(d.getInteger("perSecond"), d.getInteger("inFlight"));
    }
}
