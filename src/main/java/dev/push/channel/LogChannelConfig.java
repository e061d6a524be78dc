package dev.push.channel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code log} channel ({@link LogChannel}). */
@ConfigMapping(prefix = "push.channel.log")
public interface LogChannelConfig {
    /** Also keep every member id delivered to, per campaign, in memory (tests and demos only). */
    @WithDefault("false")
    boolean recordMembers();
}
