package dev.heimdall.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heimdall.admin.AdminGuard.Decision;
import dev.heimdall.config.GovernanceConfig.AdminAuth;
import dev.heimdall.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AdminGuardTest {

    private static final AdminAuth AUTH = new AdminAuth(new Secret("env.ADMIN_USER", "admin"), new Secret(null, "pä55:word"));

    private static final java.time.Instant NOW = java.time.Instant.parse("2026-11-25T12:00:00Z");

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCredentialsOnlyLoopbackIsAnswered() {
        assertEquals(Decision.ALLOW, AdminGuard.decide(null, "127.0.0.1", null, null, NOW));
        assertEquals(Decision.ALLOW, AdminGuard.decide(null, "0:0:0:0:0:0:0:1", null, null, NOW));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, "10.0.3.7", basic("admin:x"), null, NOW));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, null, null, null, NOW));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, "127.0.0.6", null, null, NOW), "Istio's sidecar hands over inbound traffic from 127.0.0.6");
    }

    @Test
    void withCredentialsEveryClientMustPresentThem() {
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:word"), null, NOW));
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, "10.0.3.7", "basic " + basic("admin:pä55:word").substring(6), null, NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "127.0.0.1", null, null, NOW), "loopback is no exception once credentials exist");
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:wor"), null, NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:word "), null, NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", "Basic not-base64!", null, NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", "Bearer admin", null, NOW));
    }

    @Test
    void aSessionIsTheCredentialsSignedAndEnds() {
        String token = AdminSessions.issue(AUTH, NOW, java.time.Duration.ofHours(8));
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, "10.0.3.7", null, token, NOW.plusSeconds(3600)));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", null, token, NOW.plusSeconds(8 * 3600 + 1)), "expired");
        AdminAuth changed = new AdminAuth(AUTH.username(), new Secret(null, "new-password"));
        assertEquals(Decision.ASK, AdminGuard.decide(changed, "10.0.3.7", null, token, NOW), "a new password ends every session");
        String forged = token.substring(0, token.indexOf('.') + 1) + "9999999999" + token.substring(token.lastIndexOf('.'));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", null, forged, NOW), "a later expiry breaks the signature");
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", null, "garbage", NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", null, "a.b.c", NOW));
    }
}
