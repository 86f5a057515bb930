package dev.heimdall.admin;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GovernanceConfig.AdminAuth;
import dev.heimdall.provider.OpenAiError;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Guards {@code /api/*}: with {@code governance.auth_config} credentials, every request needs them as HTTP
 * Basic; without, only loopback clients are answered (so {@code kubectl port-forward} works and nothing
 * else in the cluster reads the request log). Health and {@code /metrics} are not behind it.
 */
@ApplicationScoped
public class AdminGuard {

    private final ConfigService configs;

    public AdminGuard(ConfigService configs) {
        this.configs = configs;
    }

    void handle(RoutingContext ctx) {
        ConfigSnapshot snapshot = configs.current();
        AdminAuth auth = snapshot == null ? null : snapshot.config().governance().adminAuth();
        SocketAddress remote = ctx.request().remoteAddress();
        switch (decide(auth, remote == null ? null : remote.hostAddress(), ctx.request().getHeader("Authorization"))) {
            case ALLOW -> ctx.next();
            case ASK -> {
                ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Heimdall admin\", charset=\"UTF-8\"");
                Replies.error(ctx, new OpenAiError(401, "authentication_error", "admin_auth_required", null,
                        "The admin API needs the credentials of governance.auth_config (HTTP Basic)."));
            }
            case LOOPBACK_ONLY -> Replies.error(ctx, new OpenAiError(403, "permission_error", "admin_api_loopback_only", null,
                    "No admin credentials are configured (governance.auth_config), so the admin API answers on loopback only;"
                            + " use kubectl port-forward, or configure admin_username and admin_password."));
        }
    }

    /** Every answer of the API reads the configuration in force: none is served before start-up has loaded one. */
    void ready(RoutingContext ctx) {
        if (configs.current() == null) {
            Replies.error(ctx, new OpenAiError(503, "server_error", "starting", null, "Heimdall is starting; no configuration is loaded yet."));
        } else {
            ctx.next();
        }
    }

    enum Decision { ALLOW, ASK, LOOPBACK_ONLY }

    static Decision decide(AdminAuth auth, String remoteHost, String authorization) {
        if (auth == null) {
            return isLoopback(remoteHost) ? Decision.ALLOW : Decision.LOOPBACK_ONLY;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Decision.ASK;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return Decision.ASK;
        }
        byte[] expected = (auth.username().value() + ":" + auth.password().value()).getBytes(StandardCharsets.UTF_8);
        // Constant time: how long the comparison takes says nothing about how much of it matched.
        return MessageDigest.isEqual(ConfigJson.sha256(presented).getBytes(StandardCharsets.US_ASCII),
                ConfigJson.sha256(expected).getBytes(StandardCharsets.US_ASCII)) ? Decision.ALLOW : Decision.ASK;
    }

    /**
     * Exactly the loopback addresses {@code kubectl port-forward} connects from. Not all of 127/8: a mesh
     * sidecar (Istio hands inbound traffic over from 127.0.0.6) would make every caller in the mesh local.
     */
    private static boolean isLoopback(String host) {
        return "127.0.0.1".equals(host) || "::1".equals(host) || "0:0:0:0:0:0:0:1".equals(host);
    }
}
