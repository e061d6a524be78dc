package dev.push.channel.personalization;

import java.util.Map;

/** A campaign's message as one member receives it: templates rendered, UTM parameters on the link. */
public record PersonalMessage(String title, String body, String link, Map<String, Object> data) {
}
