package dev.push.api;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * A body read whole — a JSON document, or the text of an op call — is refused with 413 beyond
 * {@code push.api.max-json-body}: it is held in memory at once, so the server-wide limit (1 GiB,
 * sized for the streamed imports and uploads) would let one request take the heap. Routes that take
 * the body as an {@link InputStream} (member import, audience upload) read it as it arrives and keep
 * the server-wide limit. A declared Content-Length over the limit is refused before reading; a
 * chunked body is counted as it is read.
 */
@Provider
public class BodyLimit implements ReaderInterceptor {
    public static final String SETTING = "push.api.max-json-body";
    /** A Content-Length we read as a number; compiled once, as every request with a JSON body is checked. */
    private static final Pattern LENGTH = Pattern.compile("\\d{1,18}");

    // Looked up at the first body: JAX-RS providers are made during static init, before runtime configuration.
    @Inject
    Instance<ApiConfig> config;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (InputStream.class.isAssignableFrom(context.getType())) {
            return context.proceed();
        }
        long max = config.get().maxJsonBody().asLongValue();
        String declared = context.getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && LENGTH.matcher(declared).matches() && Long.parseLong(declared) > max) {
            throw refusal(max);
        }
        context.setInputStream(new Bounded(context.getInputStream(), max));
        try {
            return context.proceed();
        } catch (IOException | RuntimeException e) {
            // The JSON reader may wrap what the stream threw; whatever it became, the answer is 413.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooLarge) {
                    throw refusal(max);
                }
            }
            throw e;
        }
    }

    static ApiException refusal(long max) {
        return ApiException.tooLarge("the request body is larger than " + size(max) + ", the limit for JSON bodies ("
                + SETTING + "); send long member or id lists as files: POST /api/members/import, PUT /api/audiences/{id}/upload");
    }

    /** "4 MiB (4194304 bytes)". */
    static String size(long bytes) {
        String unit = bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes % 1024 == 0 ? bytes / 1024 + " KiB" : null;
        return unit == null ? bytes + " bytes" : unit + " (" + bytes + " bytes)";
    }

    /** An IOException, which JSON readers pass on as it is (a RuntimeException they would wrap). */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body over the limit");
        }
    }

    /** Reads at most {@code max} bytes, then fails. */
    static final class Bounded extends FilterInputStream {
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws TooLarge {
            read += n;
            if (read > max) {
                throw new TooLarge();
            }
        }
    }
}
