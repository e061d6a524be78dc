package dev.push.channel.personalization;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * What a campaign message may render to (see docs/security.md, "Message templates"). Push
 * providers cap a notification at a few KB, so a field that renders longer fails its member.
 */
@ConfigMapping(prefix = "push.message")
public interface MessageLimits {
    /** The longest a title may render to, in characters. */
    @WithDefault("1024")
    int renderedTitle();

    /** The longest a body may render to, in characters. */
    @WithDefault("4096")
    int renderedBody();

    /** The longest a link may render to, in characters (before UTM parameters are added). */
    @WithDefault("2048")
    int renderedLink();

    /** Loop items one field may visit in one render, over all its loops together. */
    @WithDefault("100")
    int loopItems();

    /** Loops nested in loops: 1 is a loop with no loop inside. */
    @WithDefault("2")
    int loopDepth();

    /** App deep-link schemes a link may use besides http and https, e.g. {@code myapp}. */
    Optional<List<String>> linkSchemes();
}
