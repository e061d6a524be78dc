package dev.push.consent;

import java.util.List;

/**
 * What a member opted out of: {@code optedOutOf}, categories, and {@code optedOutOfAll}, every message whatever its
 * category.
 */
public record Preferences(List<String> optedOutOf, Boolean optedOutOfAll) {
    public static final Preferences NONE = new Preferences(List.of(), false);
}
