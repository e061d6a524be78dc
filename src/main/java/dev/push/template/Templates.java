package dev.push.template;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.push.api.ApiException;
import dev.push.channel.personalization.LocaleFallback;
import dev.push.channel.personalization.Personalization;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of {@code templates}: saved messages, {@code _id} = name,
 * <pre>{_id, title?, body?, link?, data?, locales: {tag: {title?, body?, link?, data?}}, version, createdAt, updatedAt}</pre>
 * Checked as a campaign's message is ({@link Personalization#check}), each locale variant too. A campaign or send that
 * names a template copies it when it is created ({@link #named}), so changing or deleting a template never changes
 * what an existing campaign sends (docs/templates.md).
 */
@ApplicationScoped
public class Templates {
    static final String COLLECTION = "templates";

    @Inject
    PushDatabase database;

    @Inject
    Personalization personalization;

    @Inject
    Clock clock;

    private MongoCollection<Document> coll() {
        return database.get(COLLECTION);
    }

    /** Saves a new template; 409 when its name is taken. */
    public SavedTemplate create(TemplateRequest request) {
        Date now = Date.from(clock.instant());
        Document d = document(request, 1, now, now);
        if (!PushDatabase.insertIfAbsent(coll(), d)) {
            throw ApiException.conflict("template " + request.name() + " exists; change it with PUT /api/templates/" + request.name());
        }
        return SavedTemplate.of(d);
    }

    /** Replaces a template's content; its version goes up by one. */
    public SavedTemplate replace(String name, TemplateRequest request) {
        if (!name.equals(request.name())) {
            throw ApiException.badRequest("name", "must be the template's name in the path (" + name + "); a template is not renamed");
        }
        Document existing = find(name);
        long version = existing.getLong("version");
        Document d = document(request, version + 1, existing.getDate("createdAt"), Date.from(clock.instant()));
        if (coll().replaceOne(Filters.and(Filters.eq("_id", name), Filters.eq("version", version)), d).getMatchedCount() != 1) {
            throw ApiException.conflict("template " + name + " was changed meanwhile; read it again and retry");
        }
        return SavedTemplate.of(d);
    }

    public void delete(String name) {
        if (coll().deleteOne(Filters.eq("_id", name)).getDeletedCount() != 1) {
            throw ApiException.notFound("template", name);
        }
    }

    public SavedTemplate get(String name) {
        return SavedTemplate.of(find(name));
    }

    public List<SavedTemplate> all() {
        List<SavedTemplate> out = new ArrayList<>();
        coll().find().sort(Sorts.ascending("_id")).forEach(d -> out.add(SavedTemplate.of(d)));
        return out;
    }

    /**
     * The template a campaign or send names in its request field {@code field}, as it is now; 400 naming the field when
     * there is none by that name (bad input of that request, not a missing page).
     */
    public SavedTemplate named(String field, String name) {
        Document d = name == null ? null : coll().find(Filters.eq("_id", name)).first();
        if (d == null) {
            throw ApiException.badRequest(field, "there is no template named '" + name + "'");
        }
        return SavedTemplate.of(d);
    }

    private Document find(String name) {
        Document d = coll().find(Filters.eq("_id", name)).first();
        if (d == null) {
            throw ApiException.notFound("template", name);
        }
        return d;
    }

    private Document document(TemplateRequest r, long version, Date createdAt, Date updatedAt) {
        if (isBlank(r.title()) && isBlank(r.body())) {
            throw ApiException.badRequest("title", "a template needs a title or a body");
        }
        personalization.check("", r.title(), r.body(), r.link());
        Document d = new Document("_id", r.name());
        put(d, r.title(), r.body(), r.link(), r.data());
        Document locales = new Document();
        Map<String, String> given = new HashMap<>();
        if (r.locales() != null) {
            r.locales().forEach((tag, v) -> {
                String at = "locales." + tag;
                if (!LocaleFallback.TAG.matcher(tag).matches()) {
                    throw ApiException.badRequest(at, "is not a locale tag: a language, then optional parts, as in fr or fr-CA");
                }
                String key = LocaleFallback.normalize(tag);
                String before = given.put(key, tag);
                if (before != null) {
                    throw ApiException.badRequest(at, "is the locale " + before + " again (tags compare without case)");
                }
                if (v == null || (v.title() == null && v.body() == null && v.link() == null && v.data() == null)) {
                    throw ApiException.badRequest(at, "gives none of title, body, link, data");
                }
                personalization.check(at, v.title(), v.body(), v.link());
                Document fields = new Document();
                put(fields, v.title(), v.body(), v.link(), v.data());
                locales.append(key, fields);
            });
        }
        return d.append("locales", locales).append("version", version).append("createdAt", createdAt)
                .append("updatedAt", updatedAt);
    }

    private static void put(Document d, String title, String body, String link, Map<String, Object> data) {
        if (title != null) {
            d.append("title", title);
        }
        if (body != null) {
            d.append("body", body);
        }
        if (link != null) {
            d.append("link", link);
        }
        if (data != null) {
            d.append("data", new Document(data));
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
