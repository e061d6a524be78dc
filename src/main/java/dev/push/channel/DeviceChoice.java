package dev.push.channel;

import org.bson.Document;

/**
 * Which of a member's devices a campaign sends to, besides their channel: those of one {@code app} and/or one
 * {@code platform} (null for any).
 */
public record DeviceChoice(String app, String platform) {
    public static final DeviceChoice ANY = new DeviceChoice(null, null);

    public boolean any() {
        return app == null && platform == null;
    }

    /** Whether a stored device ({@code {app, platform, …}}) is chosen. */
    boolean accepts(Document device) {
        return (app == null || app.equals(device.getString("app")))
                && (platform == null || platform.equals(device.getString("platform")));
    }

    @Override
    public String toString() {
        return (app == null ? "" : "app " + app) + (app != null && platform != null ? ", " : "")
                + (platform == null ? "" : "platform " + platform);
    }
}
