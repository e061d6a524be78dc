package dev.push.channel.email;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmtpFailureTest {

    @Test
    void smtpPermanentRepliesAreNotRetried() {
        assertEquals(new EmailChannel.Failure("SMTP: sending data failed: 550 5.1.1 <x@example.org>: mailbox unavailable", false),
                EmailChannel.failure(new RuntimeException("sending data failed: 550 5.1.1 <x@example.org>: mailbox unavailable")));
    }

    @Test
    void smtpTransientRepliesAndConnectionErrorsAreRetried() {
        assertEquals(new EmailChannel.Failure("SMTP: 421 4.7.0 try again later", true),
                EmailChannel.failure(new RuntimeException("421 4.7.0 try again later")));
        assertEquals(new EmailChannel.Failure("SMTP: Connection refused: /127.0.0.1:587", true),
                EmailChannel.failure(new RuntimeException("Connection refused: /127.0.0.1:587")), "a port is no reply code");
    }

    @Test
    void htmlPartEscapesTheMessage() {
        assertEquals("&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39;", EmailChannel.escape("<b> & \"q\" 's'"));
    }
}
