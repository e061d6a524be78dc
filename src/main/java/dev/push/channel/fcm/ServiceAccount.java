package dev.push.channel.fcm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** The parts of a Google service-account key file that the JWT bearer grant needs. */
record ServiceAccount(String projectId, String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {

    /** Reads the JSON key file; throws IllegalArgumentException naming what is missing, never echoing the key. */
    static ServiceAccount parse(String json) {
        JsonObject o;
        try {
            o = new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("is not a JSON service-account key file");
        }
        String email = o.getString("client_email");
        String pem = o.getString("private_key");
        if (email == null || pem == null) {
            throw new IllegalArgumentException("needs client_email and private_key");
        }
        return new ServiceAccount(o.getString("project_id"), email, o.getString("private_key_id"), privateKey(pem),
                o.getString("token_uri"));
    }

    private static PrivateKey privateKey(String pem) {
        try {
            String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (Exception e) {
            throw new IllegalArgumentException("private_key is not a PEM PKCS#8 RSA key");
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ServiceAccount[" + clientEmail + "]";
    }
}
