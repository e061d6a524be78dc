package dev.push.channel.personalization;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * A campaign's message as one member receives it: templates rendered, UTM parameters on the link. With link tracking
 * on, {@code link} is the tracked link the member receives and {@code target} the personalized link it redirects to;
 * without, {@code target} is null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PersonalMessage(String title, String body, String link, Map<String, Object> data, String target) {
}
