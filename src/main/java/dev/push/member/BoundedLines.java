package dev.push.member;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a stream in UTF-8 (or another charset where a newline is the byte 10) into lines ({@code \n} or {@code \r\n}) without ever holding more than one
 * line of at most {@code maxBytes}: a longer line is skipped to its end and reported as too long,
 * so a hostile or broken upload cannot exhaust the heap. A UTF-8 byte-order mark at the start is dropped.
 */
final class BoundedLines {
    /** One line, numbered from 1; {@code problem} is set instead of {@code text} when the line cannot be read. */
    record Line(long number, String text, String problem) {
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] line;
    private final byte[] buffer = new byte[64 * 1024];
    private final CharsetDecoder decoder;
    private final boolean utf8;
    private int position;
    private int limit;
    private long number;

    BoundedLines(InputStream in, int maxBytes) {
        this(in, maxBytes, StandardCharsets.UTF_8);
    }

    BoundedLines(InputStream in, int maxBytes, Charset charset) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
        this.maxBytes = maxBytes;
        this.line = new byte[maxBytes];
    }

    /** The next line, or null at the end of the stream. */
    Line next() {
        int length = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            byte b = buffer[position++];
            if (b == '\n') {
                break;
            }
            if (length < maxBytes) {
                line[length++] = b;
            } else {
                tooLong = true;
            }
        }
        number++;
        if (tooLong) {
            return new Line(number, null, "line is longer than " + maxBytes + " bytes");
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        int offset = 0;
        if (utf8 && number == 1 && length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF) {
            offset = 3;
        }
        try {
            return new Line(number, decoder.decode(ByteBuffer.wrap(line, offset, length - offset)).toString(), null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, "line is not valid " + decoder.charset().name());
        }
    }

    private boolean fill() {
        try {
            int n;
            do {
                n = in.read(buffer);
            } while (n == 0);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
