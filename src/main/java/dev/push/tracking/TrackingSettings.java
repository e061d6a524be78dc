package dev.push.tracking;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Link tracking and event intake (see docs/configuration.md). */
@ConfigMapping(prefix = "push.tracking")
public interface TrackingSettings {
    /**
     * The public address tracked links start with, as members' devices reach this service (behind a proxy or
     * ingress: its public URL); a link is {@code {base-url}/c/{token}}.
     */
    @WithDefault("http://localhost:8080")
    String baseUrl();

    /** The most events one {@code POST /api/events} call may carry. */
    @WithDefault("1000")
    int eventsBatchLimit();
}
