package dev.push.channel.webpush;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * What a browser makes when a site subscribes it: a P-256 key pair and a 16-byte auth secret, handed to the site as
 * {@code PushSubscription.toJSON()} with the push service's endpoint for it.
 */
record Browser(String id, ECPublicKey publicKey, ECPrivateKey privateKey, byte[] auth) {

    static Browser create(String id) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] auth = new byte[16];
            new SecureRandom().nextBytes(auth);
            return new Browser(id, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate(), auth);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as the uncompressed point a subscription carries: 0x04, x, y. */
    byte[] p256dh() {
        return uncompressed(publicKey);
    }

    static byte[] uncompressed(ECPublicKey key) {
        byte[] point = new byte[65];
        point[0] = 4;
        copy(key.getW().getAffineX(), point, 1);
        copy(key.getW().getAffineY(), point, 33);
        return point;
    }

    private static void copy(BigInteger coordinate, byte[] into, int at) {
        byte[] bytes = coordinate.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, into, at + 32 - length, length);
    }

    JsonObject subscription(String endpoint) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return new JsonObject().put("endpoint", endpoint).put("expirationTime", (Object) null)
                .put("keys", new JsonObject().put("p256dh", b64.encodeToString(p256dh())).put("auth", b64.encodeToString(auth)));
    }
}
