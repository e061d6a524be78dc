package dev.push.channel.http;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Where HTTP channels may send (see {@link DestinationGuard} and docs/security.md, "Outbound destinations"). */
@ConfigMapping(prefix = "push.outbound")
public interface OutboundConfig {
    /** Address ranges (CIDR, e.g. {@code 127.0.0.0/8}, {@code ::1/128}) allowed even where a rule refuses them. */
    Optional<List<String>> allow();

    /** Address ranges refused besides the built-in ones, e.g. {@code 10.0.0.0/8} to keep webhooks off a private network. */
    Optional<List<String>> deny();
}
