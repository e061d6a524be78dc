package dev.push.channel.config;

import dev.push.api.ApiException;
import dev.push.channel.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.TreeMap;

/** The channels this service can deliver through, by name: built-in ones, then those configured through the API. */
@ApplicationScoped
public class Channels {
    private final Map<String, Channel> byName = new TreeMap<>();

    private final ConfiguredChannels configured;

    @Inject
    public Channels(Instance<Channel> channels, ConfiguredChannels configured) {
        for (Channel c : channels) {
            byName.put(c.name(), c);
        }
        this.configured = configured;
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) {
            c = configured.find(name);
        }
        if (c == null) {
            throw ApiException.badRequest("channel", "unknown channel '" + name + "' (built in: "
                    + String.join(", ", byName.keySet()) + "; others are configured under /api/channels)");
        }
        return c;
    }

    /** Whether the name belongs to a channel built into the service, which a configuration may not shadow. */
    public boolean isBuiltIn(String name) {
        return byName.containsKey(name);
    }
}
