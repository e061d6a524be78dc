package dev.push.channel;

import dev.push.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.TreeMap;

/** The channels this service can deliver through, by name. */
@ApplicationScoped
public class Channels {
    private final Map<String, Channel> byName = new TreeMap<>();

    @Inject
    public Channels(Instance<Channel> channels) {
        for (Channel c : channels) {
            byName.put(c.name(), c);
        }
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) {
            throw ApiException.badRequest("channel", "unknown channel '" + name + "' (known: "
                    + String.join(", ", byName.keySet()) + ")");
        }
        return c;
    }
}
