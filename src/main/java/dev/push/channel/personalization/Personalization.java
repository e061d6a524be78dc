package dev.push.channel.personalization;

import dev.push.api.ApiException;
import dev.push.channel.Delivery;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.ResultMapper;
import io.quarkus.qute.Results;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Qute templates in a message's title, body and link, rendered per member with
 * {@code {member.id}} and {@code {member.attributes.NAME}} ({@code {member.attributes.firstName ?: 'there'}}
 * for a default). Templates are checked when the campaign is created, so a broken one is a 400
 * then rather than a failure per member later. A missing attribute renders empty.
 *
 * <p>The data are plain maps, resolved by Qute's built-in map resolver: no reflection, native
 * friendly.
 */
@ApplicationScoped
public class Personalization {
    static final List<String> FIELDS = List.of("title", "body", "link");
    /** A message's locale variants, by normalized tag ({@link LocaleFallback}). */
    public static final String LOCALES = "locales";
    /** Compiled messages kept; campaigns running at once are far fewer. */
    private static final int CACHE = 512;

    private final Engine engine = TemplateBounds.engine(new EmptyWhenMissing());
    private final Map<String, MessageTemplate> compiled = new ConcurrentHashMap<>();
    private final Map<String, Template> channelTemplates = new ConcurrentHashMap<>();
    /**
     * Fields that passed {@link #check}, as {@code field + "\n" + text}: the check depends on nothing else (the limits
     * and link schemes are fixed at start), and an app sending the same message thousands of times a second would
     * otherwise parse and render it for each. Only passes are kept; a refused text is checked again each time.
     */
    private final Set<String> passed = ConcurrentHashMap.newKeySet();
    private final TemplateBounds bounds;
    private final LinkSchemes linkSchemes;
    private final LinkTracking tracking;

    @Inject
    public Personalization(MessageLimits limits, LinkTracking tracking) {
        this.bounds = new TemplateBounds(limits);
        this.linkSchemes = new LinkSchemes(limits.linkSchemes().orElse(List.of()));
        this.tracking = tracking;
    }

    /** Whether a stored message has link tracking on ({@code tracking: true}; absent means off). */
    public static boolean tracked(Document message) {
        return message != null && Boolean.TRUE.equals(message.get("tracking"));
    }

    /**
     * Throws a 400 naming the field when a template of the message does not parse, goes beyond
     * {@link TemplateBounds} (rendered for a member without attributes), or is a link whose scheme
     * is not allowed ({@link LinkSchemes}).
     */
    public void check(String title, String body, String link) {
        check("message", title, body, link);
    }

    /** {@link #check(String, String, String)} of a message at {@code at} in the request ({@code variants[1]}). */
    public void check(String at, String title, String body, String link) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("title", title);
        fields.put("body", body);
        fields.put("link", link);
        List<ApiException.FieldError> errors = new ArrayList<>();
        fields.forEach((field, text) -> {
            String key = field + "\n" + text;
            if (text != null && !passed.contains(key)) {
                String name = at.isEmpty() ? field : at + "." + field;
                try {
                    Template t = engine.parse(text);
                    bounds.checkShape(name, t);
                    String rendered = bounds.render(field, t, member("preview", Map.of()));
                    String linkProblem = field.equals("link") ? linkSchemes.templateProblem(text, rendered) : null;
                    if (linkProblem != null) {
                        errors.add(new ApiException.FieldError(name, linkProblem));
                    } else {
                        if (passed.size() >= CACHE) {
                            passed.clear();
                        }
                        passed.add(key);
                    }
                } catch (MessageRefused e) {
                    errors.add(new ApiException.FieldError(name, e.reason()));
                } catch (RuntimeException e) {
                    errors.add(new ApiException.FieldError(name, "is not a valid template: " + e.getMessage()));
                }
            }
        });
        if (!errors.isEmpty()) {
            throw new ApiException(400, "Bad request", errors.get(0).field() + " " + errors.get(0).message(), errors);
        }
    }

    /**
     * The compiled form of a campaign's message, kept per campaign and variant: an A/B variant's message carries its
     * number ({@code variant}), which its tracked links carry too.
     */
    public MessageTemplate template(long campaignId, Document message) {
        int variant = message != null && message.get("variant") instanceof Integer v ? v : 0;
        String key = campaignId + "/" + variant;
        MessageTemplate t = compiled.get(key);
        if (t != null && (t.message() == message || t.message().equals(message))) {
            return t;
        }
        if (compiled.size() >= CACHE) {
            compiled.clear();
        }
        MessageTemplate fresh = compile(campaignId, variant, message, localeVariants(campaignId, variant, message));
        compiled.put(key, fresh);
        return fresh;
    }

    /** The link that opts {@code memberId} out of {@code category}, answered by this service. */
    public String unsubscribeLink(String category, String memberId) {
        return tracking.unsubscribeLink(category, memberId);
    }

    private MessageTemplate compile(long campaignId, int variant, Document message, Map<String, MessageTemplate> locales) {
        Template link = parse(message, "link");
        // A member's locale picks the link when a locale variant has its own.
        boolean linkVaries = locales.values().stream().anyMatch(l -> !java.util.Objects.equals(l.message().get("link"), message.get("link")));
        return new MessageTemplate(campaignId, variant, message, parse(message, "title"), parse(message, "body"), link,
                bounds, linkSchemes, tracked(message) ? tracking : null, readsAttributes(link) || linkVaries, locales);
    }

    /**
     * A saved template's locale variants ({@code locales: {fr: {title, body, link, data}}}), each compiled as the
     * message with the variant's fields in place of its parent locale's, and those in place of the default's.
     */
    private Map<String, MessageTemplate> localeVariants(long campaignId, int variant, Document message) {
        if (message == null || !(message.get(LOCALES) instanceof Map<?, ?> locales) || locales.isEmpty()) {
            return Map.of();
        }
        Map<String, MessageTemplate> out = new LinkedHashMap<>();
        for (Object tag : locales.keySet()) {
            Document merged = new Document(message);
            merged.remove(LOCALES);
            // fr-CA's own fields over fr's over the default's.
            List<String> chain = LocaleFallback.chain(Map.of(LocaleFallback.ATTRIBUTE, String.valueOf(tag)));
            for (int i = chain.size() - 1; i >= 0; i--) {
                if (locales.get(chain.get(i)) instanceof Map<?, ?> f) {
                    f.forEach((k, v) -> merged.put(String.valueOf(k), v));
                }
            }
            out.put(String.valueOf(tag), compile(campaignId, variant, merged, Map.of()));
        }
        return out;
    }

    /**
     * Renders one template over a member (a channel's own templates, e.g. an unsubscribe URL), within
     * the bounds of a link; null stays null.
     */
    public String render(String template, String memberId, Map<String, Object> attributes) {
        if (template == null) {
            return null;
        }
        if (channelTemplates.size() >= CACHE) {
            channelTemplates.clear();
        }
        return bounds.render("link", channelTemplates.computeIfAbsent(template, engine::parse), member(memberId, attributes));
    }

    /** Renders a delivery's message for one of its recipients. */
    public PersonalMessage render(Delivery delivery, Delivery.Recipient r) {
        return template(delivery.campaignId(), delivery.message()).render(r.memberId(), r.attributes());
    }

    /** Whether a template may read more of the member than its id (anything but literal text and {@code {member.id}}). */
    private static boolean readsAttributes(Template t) {
        return t != null && t.getExpressions().stream().anyMatch(e -> !e.toOriginalString().equals("member.id"));
    }

    private Template parse(Document message, String field) {
        String text = message == null ? null : message.getString(field);
        return text == null ? null : engine.parse(text);
    }

    static Map<String, Object> member(String id, Map<String, Object> attributes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("attributes", attributes == null ? Map.of() : attributes);
        return m;
    }

    /**
     * A campaign's message compiled: render it per member. A field beyond {@link TemplateBounds} or a
     * link with a scheme not allowed throws {@link MessageRefused}, which fails that member only.
     */
    public record MessageTemplate(long campaignId, int variant, Document message, Template title, Template body, Template link,
                                  TemplateBounds bounds, LinkSchemes linkSchemes, LinkTracking tracking,
                                  boolean linkReadsAttributes, Map<String, MessageTemplate> locales) {
        /** The message in the member's locale ({@link LocaleFallback}), rendered for the member. */
        public PersonalMessage render(String memberId, Map<String, Object> attributes) {
            return LocaleFallback.choose(locales, attributes, this).renderOwn(memberId, attributes);
        }

        private PersonalMessage renderOwn(String memberId, Map<String, Object> attributes) {
            Map<String, Object> member = member(memberId, attributes);
            Map<String, Object> data = message.get("data") instanceof Map<?, ?> d ? toMap(d) : null;
            String target = target(member);
            String title = render("title", title(), member);
            String body = render("body", body(), member);
            if (tracking == null || target == null || target.isEmpty()) {
                return new PersonalMessage(title, body, target, data, null);
            }
            return new PersonalMessage(title, body, tracking.link(campaignId, memberId, variant), data, target);
        }

        /** The member's personalized link (UTM parameters added): where a tracked link redirects. */
        public String target(String memberId, Map<String, Object> attributes) {
            return LocaleFallback.choose(locales, attributes, this).target(member(memberId, attributes));
        }

        private String target(Map<String, Object> member) {
            @SuppressWarnings("unchecked")
            Map<String, String> utm = message.get("utm") instanceof Map<?, ?> m ? (Map<String, String>) m : null;
            String renderedLink = render("link", link, member);
            String linkProblem = linkSchemes.problem(renderedLink);
            if (linkProblem != null) {
                throw new MessageRefused("message.link", linkProblem);
            }
            return Utm.append(renderedLink, utm);
        }

        private String render(String field, Template t, Map<String, Object> member) {
            return t == null ? null : bounds.render(field, t, member);
        }

        private static Map<String, Object> toMap(Map<?, ?> d) {
            Map<String, Object> out = new LinkedHashMap<>();
            d.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
    }

    /** Missing attributes and nulls render as nothing rather than as {@code NOT_FOUND}. */
    private static final class EmptyWhenMissing implements ResultMapper {
        @Override
        public boolean appliesTo(TemplateNode.Origin origin, Object result) {
            return result == null || Results.isNotFound(result);
        }

        @Override
        public String map(Object result, Expression expression) {
            return "";
        }
    }
}
