package dev.push.channel.config;

import java.util.Date;
import java.util.List;
import java.util.Map;

/** A channel configuration as the API answers it: the names of its credentials, never their values. */
public record ChannelView(String name, String type, Map<String, Object> settings, List<String> credentials,
                          Map<String, Object> limits, long version, Date createdAt, Date updatedAt) {
}
