package dev.push.template;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bson.Document;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved template as stored and answered. {@code version} counts its changes: a campaign or send that used it records
 * the name and version it copied.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedTemplate(String name, String title, String body, String link, Map<String, Object> data,
                            Map<String, Map<String, Object>> locales, long version, Date createdAt, Date updatedAt) {

    static SavedTemplate of(Document d) {
        Map<String, Map<String, Object>> locales = new LinkedHashMap<>();
        Document stored = d.get("locales", Document.class);
        if (stored != null) {
            stored.forEach((tag, fields) -> locales.put(tag, new LinkedHashMap<>((Document) fields)));
        }
        Document data = d.get("data", Document.class);
        return new SavedTemplate(d.getString("_id"), d.getString("title"), d.getString("body"), d.getString("link"),
                data == null ? null : new LinkedHashMap<>(data), locales, d.getLong("version"), d.getDate("createdAt"),
                d.getDate("updatedAt"));
    }

    /** The locale variants as a message stores them: {@code {tag: {title?, body?, link?, data?}}}. */
    public Document localesDocument() {
        Document out = new Document();
        locales.forEach((tag, fields) -> out.append(tag, new Document(fields)));
        return out;
    }
}
