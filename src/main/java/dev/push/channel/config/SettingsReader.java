package dev.push.channel.config;

import dev.push.api.HttpUrl;
import dev.push.api.ApiException;
import org.bson.Document;

import java.util.List;
import java.util.Set;

/** Reads a channel configuration's settings, collecting a field error for each bad or unknown one. */
public final class SettingsReader {
    private final Document settings;
    private final List<ApiException.FieldError> errors;

    public SettingsReader(Document settings, List<ApiException.FieldError> errors) {
        this.settings = settings == null ? new Document() : settings;
        this.errors = errors;
    }

    public long number(String key, long dflt, long min, long max) {
        Object v = settings.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            errors.add(new ApiException.FieldError("settings." + key, "must be an integer from " + min + " to " + max));
            return dflt;
        }
        return ((Number) v).longValue();
    }

    public String string(String key, String dflt) {
        Object v = settings.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            errors.add(new ApiException.FieldError("settings." + key, "must be a non-empty string"));
            return dflt;
        }
        return s;
    }

    public String url(String key, String dflt) {
        String s = string(key, dflt);
        if (s != null && !HttpUrl.isValid(s)) {
            errors.add(new ApiException.FieldError("settings." + key, "must be an http:// or https:// URL"));
        }
        return s;
    }

    public void onlyKnown(Set<String> known) {
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                errors.add(new ApiException.FieldError("settings." + key, "is not a setting of this type (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
            }
        }
    }
}
