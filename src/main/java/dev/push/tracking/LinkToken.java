package dev.push.tracking;

import dev.push.member.MemberId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * The token of a tracked link: it names a campaign, a member and a message variant, and is signed so that it cannot be
 * guessed or altered. Layout, base64url without padding: {@code version(1) | campaign (unsigned LEB128) | variant(1) |
 * member id (UTF-8) | HMAC-SHA256 of all that, first 16 bytes}. Any change to a byte, a shorter or longer token, or
 * a token signed under another key reads as no token at all.
 *
 * <p>An unsubscribe token is signed the same way under the same key, with its own first byte so that neither kind
 * ever reads as the other: {@code version(2) | category length(1) | category (ASCII) | member id | HMAC, first 16
 * bytes}. It names the category the member leaves (a campaign's, a triggered send's), so a link works however long
 * after its message, without reading what sent it.
 */
public final class LinkToken {
    static final int VERSION = 1;
    static final int UNSUBSCRIBE_VERSION = 2;
    static final int MAX_CATEGORY = 32;
    static final int MAC_BYTES = 16;
    static final String ALGORITHM = "HmacSHA256";
    /** The longest token text: a full-length member id and the largest campaign id. */
    static final int MAX_LENGTH = (1 + 10 + 1 + MemberId.MAX_LENGTH + MAC_BYTES + 2) / 3 * 4;
    static final int MAX_UNSUBSCRIBE_LENGTH = (1 + 1 + MAX_CATEGORY + MemberId.MAX_LENGTH + MAC_BYTES + 2) / 3 * 4;

    /** What a token names; {@code variant} 0 when the campaign has a single message. */
    public record Claim(long campaign, String member, int variant) {
    }

    /** What an unsubscribe token names: the member and the category they leave. */
    public record Unsubscribe(String category, String member) {
    }

    private final ThreadLocal<Mac> macs;

    /** Signs and verifies under {@code key} (the cluster's shared link-signing key). */
    public LinkToken(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        macs.get();
    }

    public String sign(Claim claim) {
        if (claim.campaign() < 0 || claim.variant() < 0 || claim.variant() > 255 || !MemberId.isValid(claim.member())) {
            throw new IllegalArgumentException("not a claim a token can carry: " + claim);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(VERSION);
        long c = claim.campaign();
        while ((c & ~0x7FL) != 0) {
            out.write((int) ((c & 0x7F) | 0x80));
            c >>>= 7;
        }
        out.write((int) c);
        out.write(claim.variant());
        out.writeBytes(claim.member().getBytes(StandardCharsets.US_ASCII));
        return signed(out.toByteArray());
    }

    public String sign(Unsubscribe unsubscribe) {
        String category = unsubscribe.category();
        if (category == null || category.isEmpty() || category.length() > MAX_CATEGORY
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(category) || !MemberId.isValid(unsubscribe.member())) {
            throw new IllegalArgumentException("not an unsubscribe a token can carry: " + unsubscribe);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(UNSUBSCRIBE_VERSION);
        out.write(category.length());
        out.writeBytes(category.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(unsubscribe.member().getBytes(StandardCharsets.US_ASCII));
        return signed(out.toByteArray());
    }

    private String signed(byte[] payload) {
        byte[] token = Arrays.copyOf(payload, payload.length + MAC_BYTES);
        System.arraycopy(mac(payload, payload.length), 0, token, payload.length, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** What a genuine tracked-link token names, or null for anything else (forged, altered, truncated, not a token). */
    public Claim verify(String text) {
        byte[] token = genuine(text, VERSION, MAX_LENGTH);
        if (token == null) {
            return null;
        }
        int payloadLength = token.length - MAC_BYTES;
        // Signed by us, so well formed; still parsed defensively.
        long campaign = 0;
        int i = 1;
        for (int shift = 0; i < payloadLength && shift < 63; shift += 7) {
            byte b = token[i++];
            campaign |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (i >= payloadLength - 1) {
            return null;
        }
        int variant = token[i++] & 0xFF;
        String member = new String(token, i, payloadLength - i, StandardCharsets.US_ASCII);
        return MemberId.isValid(member) ? new Claim(campaign, member, variant) : null;
    }

    /** What a genuine unsubscribe token names, or null for anything else, a tracked-link token included. */
    public Unsubscribe verifyUnsubscribe(String text) {
        byte[] token = genuine(text, UNSUBSCRIBE_VERSION, MAX_UNSUBSCRIBE_LENGTH);
        if (token == null) {
            return null;
        }
        int payloadLength = token.length - MAC_BYTES;
        int categoryLength = token[1] & 0xFF;
        if (categoryLength == 0 || 2 + categoryLength >= payloadLength) {
            return null;
        }
        String category = new String(token, 2, categoryLength, StandardCharsets.US_ASCII);
        String member = new String(token, 2 + categoryLength, payloadLength - 2 - categoryLength, StandardCharsets.US_ASCII);
        return MemberId.isValid(member) ? new Unsubscribe(category, member) : null;
    }

    /** The token's bytes when {@code text} is a token of this kind signed under this key, else null. */
    private byte[] genuine(String text, int version, int maxLength) {
        if (text == null || text.length() < 8 || text.length() > maxLength) {
            return null;
        }
        byte[] token;
        try {
            token = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int payloadLength = token.length - MAC_BYTES;
        if (payloadLength < 4 || token[0] != version) {
            return null;
        }
        byte[] expected = Arrays.copyOf(mac(token, payloadLength), MAC_BYTES);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(token, payloadLength, token.length)) ? token : null;
    }

    private byte[] mac(byte[] data, int length) {
        Mac mac = macs.get();
        mac.update(data, 0, length);
        return mac.doFinal();
    }
}
