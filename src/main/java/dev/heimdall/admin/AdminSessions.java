package dev.heimdall.admin;

import dev.heimdall.config.GovernanceConfig.AdminAuth;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sessions of the web UI (and of scripts that log in, as Bifrost's do): a signed token, not a server-side
 * record, so every replica behind the Service accepts it without sharing state. The token says who and
 * until when, signed with a key derived (slowly, PBKDF2) from the admin credentials in force: changing the
 * password ends every session at once. Logging out clears the browser's cookie; a copied token stays valid until it
 * expires, which is why sessions are short ({@code heimdall.admin.session-ttl}).
 */
final class AdminSessions {

    static final String COOKIE = "heimdall_session";

    private AdminSessions() {
    }

    /** A token for {@code auth}'s user, valid for {@code ttl} from {@code now}. */
    static String issue(AdminAuth auth, Instant now, Duration ttl) {
        String payload = encode(auth.username().value().getBytes(StandardCharsets.UTF_8)) + "." + now.plus(ttl).getEpochSecond();
        return payload + "." + encode(sign(auth, payload));
    }

    /** Whether {@code token} was issued with {@code auth}'s credentials and has not expired at {@code now}. */
    static boolean valid(AdminAuth auth, String token, Instant now) {
        if (auth == null || token == null) {
            return false;
        }
        int last = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || last <= first) {
            return false;
        }
        String payload = token.substring(0, last);
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!MessageDigest.isEqual(presented, sign(auth, payload))) {
            return false;
        }
        try {
            return Long.parseLong(payload.substring(first + 1)) > now.getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** When a valid token expires. */
    static Instant expiry(String token) {
        String payload = token.substring(0, token.lastIndexOf('.'));
        return Instant.ofEpochSecond(Long.parseLong(payload.substring(payload.indexOf('.') + 1)));
    }

    /** The signing key of the credentials last seen: deriving it is slow on purpose, so it is done once per password. */
    private record SigningKey(byte[] credentials, byte[] key) {
    }

    private static volatile SigningKey cached;

    private static byte[] sign(AdminAuth auth, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(auth), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }

    /**
     * PBKDF2 of the credentials (210,000 rounds, OWASP's figure for HMAC-SHA256): a leaked token then lets
     * nobody test password guesses at hash speed, offline, against its signature.
     */
    private static byte[] key(AdminAuth auth) throws GeneralSecurityException {
        byte[] credentials = MessageDigest.getInstance("SHA-256").digest((auth.username().value() + "\0" + auth.password().value())
                .getBytes(StandardCharsets.UTF_8));
        SigningKey known = cached;
        if (known != null && MessageDigest.isEqual(known.credentials(), credentials)) {
            return known.key();
        }
        char[] secret = (auth.username().value() + "\0" + auth.password().value()).toCharArray();
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(secret, "heimdall-admin-session".getBytes(StandardCharsets.UTF_8), 210_000, 256)).getEncoded();
        cached = new SigningKey(credentials, key);
        return key;
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
