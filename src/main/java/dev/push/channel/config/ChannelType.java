package dev.push.channel.config;

import dev.push.api.ApiException;
import dev.push.channel.Channel;
import org.bson.Document;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of channel an operator can configure through the API ({@code webhook}, {@code fcm}, …):
 * it checks a configuration and opens a channel from it.
 */
public interface ChannelType {
    /** The {@code type} an operator names in a channel configuration. */
    String type();

    /** The credential names this type accepts (their values are secrets). */
    Set<String> credentialNames();

    /** What is wrong with a configuration, as field errors; empty when it can be opened. */
    List<ApiException.FieldError> check(Document settings, Map<String, String> credentials);

    /**
     * Credentials this type makes itself for a configuration that has none of them (a key pair, say); none by
     * default. Called before {@link #check}, for new and changed configurations.
     */
    default Map<String, String> generatedCredentials(Map<String, String> credentials) {
        return Map.of();
    }

    /** Settings derived from the credentials that answers show (a public key); none by default. */
    default Map<String, Object> derivedSettings(Map<String, String> credentials) {
        return Map.of();
    }

    /** A channel for a checked configuration; it is replaced when the configuration changes. */
    Channel open(String name, Document settings, Map<String, String> credentials);
}
