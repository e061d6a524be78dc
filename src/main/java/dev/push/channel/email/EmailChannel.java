package dev.push.channel.email;

import dev.push.channel.Channel;
import dev.push.channel.Delivery;
import dev.push.channel.FanOut;
import dev.push.channel.Outcome;
import dev.push.channel.http.Backoff;
import dev.push.channel.personalization.PersonalMessage;
import dev.push.channel.personalization.Personalization;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.MailMessage;
import io.vertx.mutiny.ext.mail.MailClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends each member a multipart email: the title as subject, the body (and link) as text and as
 * HTML, with {@code List-Unsubscribe} and the idempotency key as a header. The unsubscribe link is this service's own
 * one-click link for the message's category ({@code /u/{token}}, which takes RFC 8058's POST, so
 * {@code List-Unsubscribe-Post} goes with it) unless the channel names its own {@code unsubscribeUrl} (one-click only
 * when that is https). SMTP 4xx replies and connection errors are tried
 * again; 5xx replies are permanent.
 */
final class EmailChannel implements Channel, AutoCloseable {
    /** An SMTP reply code where replies are quoted: at the start, or after "…: " (not a port in an address). */
    private static final Pattern SMTP_CODE = Pattern.compile("(?:^|:\\s+)([245])\\d\\d(?:[ -]|$)");

    private final String name;
    private final EmailSettings settings;
    private final MailClient client;
    private final ReactiveMailer mailer;
    private final Personalization personalization;

    EmailChannel(String name, EmailSettings settings, MailClient client, ReactiveMailer mailer, Personalization personalization) {
        this.name = name;
        this.settings = settings;
        this.client = client;
        this.mailer = mailer;
        this.personalization = personalization;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String addressKind() {
        return "email";
    }

    @Override
    public boolean needsAttributes() {
        return true;
    }

    @Override
    public Uni<List<Outcome>> send(Delivery delivery) {
        return FanOut.each(delivery.recipients(), settings.concurrency(), r -> sendOne(delivery, r));
    }

    /** An email as this channel writes it, before it goes to a transport. */
    record Email(String to, String subject, String text, String html, Map<String, String> headers) {
    }

    Email email(Delivery delivery, Delivery.Recipient r) {
        PersonalMessage m = personalization.render(delivery, r);
        String body = m.body() == null ? "" : m.body();
        StringBuilder text = new StringBuilder(body);
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body><p>")
                .append(escape(body).replace("\n", "<br>")).append("</p>");
        if (m.link() != null) {
            text.append("\n\n").append(m.link());
            html.append("<p><a href=\"").append(escape(m.link())).append("\">").append(escape(m.link())).append("</a></p>");
        }
        html.append("</body></html>");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Idempotency-Key", delivery.idempotencyKey(r.memberId()));
        String url = personalization.render(settings.unsubscribeUrl(), r.memberId(), r.attributes());
        boolean oneClick = url != null && url.startsWith("https://");
        if (url == null && delivery.unsubscribable()) {
            url = personalization.unsubscribeLink(delivery.category(), r.memberId());
            oneClick = true;
        }
        String mailto = personalization.render(settings.unsubscribeMailto(), r.memberId(), r.attributes());
        if (url != null || mailto != null) {
            StringBuilder unsubscribe = new StringBuilder();
            if (url != null) {
                unsubscribe.append('<').append(url).append('>');
            }
            if (mailto != null) {
                unsubscribe.append(unsubscribe.length() > 0 ? ", " : "").append('<').append(mailto).append('>');
            }
            headers.put("List-Unsubscribe", unsubscribe.toString());
            if (oneClick) {
                headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
        }
        return new Email(r.address(), m.title() == null ? "" : m.title(), text.toString(), html.toString(), headers);
    }

    private Uni<Outcome> sendOne(Delivery delivery, Delivery.Recipient r) {
        Email email;
        try {
            email = email(delivery, r);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(Outcome.failed(r.memberId(), "message does not render: " + e.getMessage(), false));
        }
        return send(email, 1, System.nanoTime()).map(failure -> failure == null ? Outcome.sent(r.memberId())
                : Outcome.failed(r.memberId(), failure.reason(), failure.retryable()));
    }

    record Failure(String reason, boolean retryable) {
    }

    private Uni<Failure> send(Email email, int attempt, long since) {
        return transport(email).map(x -> (Failure) null)
                .onFailure().recoverWithItem(EmailChannel::failure)
                .onItem().transformToUni(f -> {
                    if (f == null || !f.retryable()) {
                        return Uni.createFrom().item(f);
                    }
                    if (attempt >= settings.backoff().attempts()) {
                        return Uni.createFrom().item(new Failure(f.reason() + " (after " + attempt + " attempts)", true));
                    }
                    Backoff backoff = settings.backoff();
                    long wait = backoff.delayAfter(attempt);
                    if (!backoff.fits(since, wait)) {
                        return Uni.createFrom().item(new Failure(f.reason() + " (retry budget of " + Backoff.describe(backoff.budgetMillis()) + " used up after " + attempt + " attempts)", true));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(Math.max(1, wait)))
                            .onItem().transformToUni(x -> send(email, attempt + 1, since));
                });
    }

    private Uni<?> transport(Email email) {
        if (client != null) {
            MailMessage message = new MailMessage().setFrom(settings.from()).setTo(email.to()).setSubject(email.subject())
                    .setText(email.text()).setHtml(email.html());
            io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
            if (settings.replyTo() != null) {
                headers.add("Reply-To", settings.replyTo());
            }
            email.headers().forEach(headers::add);
            message.setHeaders(headers);
            return client.sendMail(message);
        }
        Mail mail = Mail.withText(email.to(), email.subject(), email.text()).setHtml(email.html()).setFrom(settings.from());
        if (settings.replyTo() != null) {
            mail.setReplyTo(settings.replyTo());
        }
        email.headers().forEach((k, v) -> mail.addHeader(k, v));
        return mailer.send(mail);
    }

    static Failure failure(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher code = SMTP_CODE.matcher(message);
        boolean permanent = code.find() && code.group(1).equals("5");
        return new Failure("SMTP: " + dev.push.channel.http.Excerpt.of(message), !permanent);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close().subscribe().with(x -> { }, e -> { });
        }
    }

    @Override
    public String toString() {
        return "EmailChannel[" + name + "]";
    }
}
