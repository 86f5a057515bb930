package dev.heimdall.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heimdall.admin.AdminGuard.Caller;
import dev.heimdall.admin.AdminGuard.Decision;
import dev.heimdall.config.GovernanceConfig.AdminAuth;
import dev.heimdall.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AdminGuardTest {

    private static final AdminAuth AUTH = new AdminAuth(new Secret("env.ADMIN_USER", "admin"), new Secret(null, "pä55:word"));
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static Decision decide(AdminAuth auth, String remote, String authorization) {
        return AdminGuard.decide(auth, new Caller(remote, "localhost", authorization, null), NOW);
    }

    @Test
    void withoutCredentialsOnlyLoopbackRequestsForLocalhostAreAnswered() {
        assertEquals(Decision.ALLOW, decide(null, "127.0.0.1", null));
        assertEquals(Decision.ALLOW, decide(null, "0:0:0:0:0:0:0:1", null));
        assertEquals(Decision.ALLOW, AdminGuard.decide(null, new Caller("::1", "[::1]", null, null), NOW));
        assertEquals(Decision.LOOPBACK_ONLY, decide(null, "10.0.3.7", basic("admin:x")));
        assertEquals(Decision.LOOPBACK_ONLY, decide(null, null, null));
        assertEquals(Decision.LOOPBACK_ONLY, decide(null, "127.0.0.6", null), "Istio's sidecar hands over inbound traffic from 127.0.0.6");
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, new Caller("127.0.0.1", "heimdall.ai.svc", null, null), NOW),
                "a sidecar connecting from loopback for a caller who asked for the Service");
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, new Caller("127.0.0.1", "evil.example", null, null), NOW),
                "a page whose name was rebound to 127.0.0.1");
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, new Caller("127.0.0.1", null, null, null), NOW));
    }

    @Test
    void withCredentialsEveryClientMustPresentThem() {
        assertEquals(Decision.ALLOW, decide(AUTH, "10.0.3.7", basic("admin:pä55:word")));
        assertEquals(Decision.ALLOW, decide(AUTH, "10.0.3.7", "basic " + basic("admin:pä55:word").substring(6)));
        assertEquals(Decision.ASK, decide(AUTH, "127.0.0.1", null), "loopback is no exception once credentials exist");
        assertEquals(Decision.ASK, decide(AUTH, "10.0.3.7", basic("admin:pä55:wor")));
        assertEquals(Decision.ASK, decide(AUTH, "10.0.3.7", basic("admin:pä55:word ")));
        assertEquals(Decision.ASK, decide(AUTH, "10.0.3.7", "Basic not-base64!"));
        assertEquals(Decision.ASK, decide(AUTH, "10.0.3.7", "Bearer admin"));
    }

    @Test
    void aSessionIsTheCredentialsSignedAndEnds() {
        String token = AdminSessions.issue(AUTH, NOW, Duration.ofHours(8));
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", null, token), NOW.plusSeconds(3600)));
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", "Bearer " + token, "stale.1.x"), NOW),
                "a valid bearer token counts even beside a stale cookie");
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", null, token), NOW.plusSeconds(8 * 3600 + 1)), "expired");
        AdminAuth changed = new AdminAuth(AUTH.username(), new Secret(null, "new-password"));
        assertEquals(Decision.ASK, AdminGuard.decide(changed, new Caller("10.0.3.7", "gw", null, token), NOW), "a new password ends every session");
        String forged = token.substring(0, token.indexOf('.') + 1) + "9999999999" + token.substring(token.lastIndexOf('.'));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", null, forged), NOW), "a later expiry breaks the signature");
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", null, "garbage"), NOW));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, new Caller("10.0.3.7", "gw", "Bearer a.b.c", null), NOW));
    }
}
