package dev.push.member;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Members' devices ({@link Devices}). */
@ConfigMapping(prefix = "push.devices")
public interface DevicesConfig {
    /** Devices one member may have at most; registering one more answers 400 (remove a device first). */
    @WithDefault("20")
    int maxPerMember();
}
