package dev.push.channel.config;

import dev.push.channel.Channel;
import dev.push.channel.limits.ChannelLimits;
import dev.push.channel.limits.LimitedChannel;
import dev.push.channel.limits.LiveInstances;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.bson.Document;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels operators configured in the database, opened on first use and kept open while
 * their configuration stays at the same version, so connection pools and access tokens are
 * reused across sub-batches. A changed configuration opens a new channel on the next lookup.
 */
@ApplicationScoped
public class ConfiguredChannels {
    private static final Logger LOG = Logger.getLogger(ConfiguredChannels.class);

    private final Map<String, ChannelType> types = new TreeMap<>();
    private final Map<String, Opened> open = new ConcurrentHashMap<>();

    @Inject
    ChannelConfigs configs;

    @Inject
    CredentialCipher cipher;

    @Inject
    LiveInstances liveInstances;

    private record Opened(long version, Channel channel) {
    }

    @Inject
    public ConfiguredChannels(Instance<ChannelType> available) {
        for (ChannelType t : available) {
            types.put(t.type(), t);
        }
    }

    public ChannelType type(String type) {
        return types.get(type);
    }

    public java.util.Set<String> typeNames() {
        return types.keySet();
    }

    /** The configured channel of that name, or null when there is none. */
    public Channel find(String name) {
        Document config = configs.find(name);
        if (config == null) {
            return null;
        }
        long version = config.getLong("version");
        Opened current = open.get(name);
        if (current != null && current.version() == version) {
            return current.channel();
        }
        Opened fresh = open.compute(name, (n, was) -> {
            if (was != null && was.version() >= version) {
                return was;
            }
            ChannelType type = types.get(config.getString("type"));
            if (type == null) {
                throw new IllegalStateException("channel " + name + " has type " + config.getString("type")
                        + ", which this service does not know");
            }
            Channel channel = type.open(name, config.get("settings", Document.class),
                    cipher.open(name, config.get("credentials", Document.class)));
            ChannelLimits limits = ChannelLimits.of(config.get("limits", Document.class));
            if (limits.any()) {
                channel = new LimitedChannel(channel, limits, liveInstances::count);
            }
            if (was != null) {
                retire(was.channel());
            }
            return new Opened(version, channel);
        });
        return fresh.channel();
    }

    /** The channels that hold resources close once in-flight sends had time to end. */
    private void retire(Channel channel) {
        if (channel instanceof AutoCloseable closeable) {
            io.smallrye.mutiny.Uni.createFrom().voidItem().onItem().delayIt().by(java.time.Duration.ofMinutes(1))
                    .subscribe().with(x -> close(closeable));
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warnf("closing a replaced channel failed: %s", e.toString());
        }
    }

    @PreDestroy
    void closeAll() {
        open.values().forEach(o -> {
            if (o.channel() instanceof AutoCloseable c) {
                close(c);
            }
        });
    }
}
