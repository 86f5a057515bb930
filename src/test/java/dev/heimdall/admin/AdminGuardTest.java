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

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCredentialsOnlyLoopbackIsAnswered() {
        assertEquals(Decision.ALLOW, AdminGuard.decide(null, "127.0.0.1", null));
        assertEquals(Decision.ALLOW, AdminGuard.decide(null, "0:0:0:0:0:0:0:1", null));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, "10.0.3.7", basic("admin:x")));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, null, null));
        assertEquals(Decision.LOOPBACK_ONLY, AdminGuard.decide(null, "127.0.0.6", null), "Istio's sidecar hands over inbound traffic from 127.0.0.6");
    }

    @Test
    void withCredentialsEveryClientMustPresentThem() {
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:word")));
        assertEquals(Decision.ALLOW, AdminGuard.decide(AUTH, "10.0.3.7", "basic " + basic("admin:pä55:word").substring(6)));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "127.0.0.1", null), "loopback is no exception once credentials exist");
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:wor")));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", basic("admin:pä55:word ")));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", "Basic not-base64!"));
        assertEquals(Decision.ASK, AdminGuard.decide(AUTH, "10.0.3.7", "Bearer admin"));
    }
}
