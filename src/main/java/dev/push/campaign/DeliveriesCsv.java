package dev.push.campaign;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.function.Consumer;

/**
 * A campaign's deliveries as CSV (RFC 4180), written row by row as they are read, so an export of any size holds
 * one chunk of the audience in memory. A free-text cell starting with {@code = + - @} is prefixed with {@code '} so a
 * spreadsheet shows it rather than running it (a channel's error text comes from outside).
 */
final class DeliveriesCsv {
    static final String TYPE = "text/csv";
    static final String HEADER = "member,state,reason,retryable,deliveredAt,openedAt,clickedAt,convertedAt,value,variant,releaseAt";

    private DeliveriesCsv() {
    }

    static void write(OutputStream out, Consumer<Consumer<Campaigns.DeliveryView>> deliveries) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        w.write(HEADER);
        w.write("\r\n");
        try {
            deliveries.accept(v -> {
                try {
                    w.write(v.memberId() + "," + v.state() + "," + text(v.reason()) + ","
                            + (v.retryable() == null ? "" : v.retryable()) + "," + time(v.deliveredAt()) + ","
                            + time(v.openedAt()) + "," + time(v.clickedAt()) + "," + time(v.convertedAt()) + ","
                            + (v.value() == null ? "" : v.value()) + "," + text(v.variant()) + "," + time(v.releaseAt()) + "\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        w.flush();
    }

    private static String time(Date d) {
        return d == null ? "" : d.toInstant().toString();
    }

    static String text(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String cell = "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0;
        return quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
