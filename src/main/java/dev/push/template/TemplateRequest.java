package dev.push.template;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * A saved template as an operator sends it: the default message (title, body, link, data; Qute over the member, as a
 * campaign's message) and variants per locale ({@code locales: {"fr": {...}, "fr-CA": {...}}}), each replacing the
 * fields it gives of its parent locale (fr for fr-CA), and those of the default.
 */
public record TemplateRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be lower-case letters, digits, _ and -") String name,
        @Size(max = 500) String title,
        @Size(max = 4000) String body,
        @Size(max = 2000) String link,
        @Size(max = 100) Map<String, Object> data,
        @Size(max = 50) Map<String, @Valid Variant> locales) {

    /** One locale's message; a field left out is its parent locale's (fr for fr-CA), else the default's. */
    public record Variant(
            @Size(max = 500) String title,
            @Size(max = 4000) String body,
            @Size(max = 2000) String link,
            @Size(max = 100) Map<String, Object> data) {
    }
}
