package dev.heimdall.admin;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.GovernanceConfig.AdminAuth;
import dev.heimdall.provider.OpenAiError;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Guards {@code /api/*} and the web UI's data: with {@code governance.auth_config} credentials, every request
 * needs them, as HTTP Basic or as a session from {@code POST /api/session/login} (the UI's cookie, or
 * {@code Authorization: Bearer <token>}); without, only loopback clients are answered (so
 * {@code kubectl port-forward} works and nothing else in the cluster reads the request log). Health and
 * {@code /metrics} are not behind it.
 */
@ApplicationScoped
public class AdminGuard {

    /** Sent by the web UI: a refusal then carries no Basic challenge, so the browser shows the UI's login, not its own. */
    static final String UI_HEADER = "X-Heimdall-UI";

    private final ConfigService configs;
    private final Duration sessionTtl;
    private final LoginThrottle throttle = new LoginThrottle();

    public AdminGuard(ConfigService configs, GatewaySettings settings) {
        this.configs = configs;
        this.sessionTtl = settings.admin().sessionTtl();
    }

    void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String client = remote == null ? "" : remote.hostAddress();
        String authorization = ctx.request().getHeader("Authorization");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic && !throttle.allows(client, Instant.now())) {
            tooMany(ctx);
            return;
        }
        Cookie cookie = ctx.request().getCookie(AdminSessions.COOKIE);
        // The authority, not the Host header: an HTTP/2 request names its host in :authority.
        var authority = ctx.request().authority();
        Caller caller = new Caller(client, authority == null ? null : authority.host(), authorization, cookie == null ? null : cookie.getValue());
        switch (decide(auth(), caller, Instant.now())) {
            case ALLOW -> ctx.next();
            case ASK -> {
                if (basic) {
                    throttle.failed(client, Instant.now()); // Basic on any path is a guess too, as a login is
                }
                String accept = ctx.request().getHeader("Accept");
                // EventSource cannot send the UI's header; it asks for an event stream, which no person types a password for.
                if (ctx.request().getHeader(UI_HEADER) == null && (accept == null || !accept.contains("text/event-stream"))) {
                    ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Heimdall admin\", charset=\"UTF-8\"");
                }
                Replies.error(ctx, new OpenAiError(401, "authentication_error", "admin_auth_required", null,
                        "The admin API needs the credentials of governance.auth_config (HTTP Basic, or a session from POST /api/session/login)."));
            }
            case LOOPBACK_ONLY -> Replies.error(ctx, new OpenAiError(403, "permission_error", "admin_api_loopback_only", null,
                    "No admin credentials are configured (governance.auth_config), so the admin API answers on loopback only, to"
                            + " requests for localhost; use kubectl port-forward, or configure admin_username and admin_password."));
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

    /** GET /api/session/is-auth-enabled, Bifrost's: whether a login is needed, and whether this caller has a session. */
    void authState(RoutingContext ctx) {
        AdminAuth auth = auth();
        Cookie cookie = ctx.request().getCookie(AdminSessions.COOKIE);
        Caller caller = new Caller(null, null, ctx.request().getHeader("Authorization"), cookie == null ? null : cookie.getValue());
        Replies.json(ctx, 200, new JsonObject().put("is_auth_enabled", auth != null)
                .put("has_valid_token", auth != null && caller.hasSession(auth, Instant.now()))
                .put("auth_type", auth == null ? "none" : "password"));
    }

    /** POST /api/session/login {@code {"username", "password"}}: a session cookie (and its token, for scripts). */
    void login(RoutingContext ctx) {
        AdminAuth auth = auth();
        if (auth == null) {
            Replies.error(ctx, new OpenAiError(403, "permission_error", "auth_not_enabled", null,
                    "No admin credentials are configured (governance.auth_config): there is nothing to log in to."));
            return;
        }
        String client = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
        if (!throttle.allows(client, Instant.now())) {
            tooMany(ctx);
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        String username = body == null ? null : body.getValue("username") instanceof String s ? s : null;
        String password = body == null ? null : body.getValue("password") instanceof String s ? s : null;
        if (username == null || password == null || !matches(auth, (username + ":" + password).getBytes(StandardCharsets.UTF_8))) {
            throttle.failed(client, Instant.now());
            Replies.error(ctx, new OpenAiError(401, "authentication_error", "invalid_credentials", null, "Invalid username or password."));
            return;
        }
        Instant now = Instant.now();
        String token = AdminSessions.issue(auth, now, sessionTtl);
        ctx.response().addCookie(cookie(ctx, token, sessionTtl.toSeconds()));
        Replies.json(ctx, 200, new JsonObject().put("message", "Login successful").put("token", token)
                .put("expires_at", now.plus(sessionTtl).toString()));
    }

    private static void tooMany(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", String.valueOf(LoginThrottle.WINDOW.toSeconds()));
        Replies.error(ctx, new OpenAiError(429, "rate_limit_error", "too_many_logins", null,
                "Too many failed logins from this address; wait a few minutes."));
    }

    /** Forgets every address's failed logins (tests that guess). */
    void forgetFailedLogins() {
        throttle.clear();
    }

    /** POST /api/session/logout: the cookie is cleared. */
    void logout(RoutingContext ctx) {
        ctx.response().addCookie(cookie(ctx, "", 0));
        Replies.json(ctx, 200, new JsonObject().put("message", "Logout successful"));
    }

    private static Cookie cookie(RoutingContext ctx, String value, long maxAgeSeconds) {
        return Cookie.cookie(AdminSessions.COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure("https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto")) || ctx.request().isSSL())
                .setMaxAge(maxAgeSeconds);
    }

    private AdminAuth auth() {
        ConfigSnapshot snapshot = configs.current();
        return snapshot == null ? null : snapshot.config().governance().adminAuth();
    }

    /**
     * What a request presents: its address, the host name it asked for (without the port), its Authorization header and the UI's
     * session cookie. A session may come as the cookie or as a bearer token; either valid one will do.
     */
    record Caller(String remoteHost, String host, String authorization, String cookie) {

        boolean hasSession(AdminAuth auth, Instant now) {
            String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
            return AdminSessions.valid(auth, cookie, now) || AdminSessions.valid(auth, bearer, now);
        }
    }

    enum Decision { ALLOW, ASK, LOOPBACK_ONLY }

    static Decision decide(AdminAuth auth, Caller caller, Instant now) {
        if (auth == null) {
            return isLoopback(caller.remoteHost()) && isLocalName(caller.host()) ? Decision.ALLOW : Decision.LOOPBACK_ONLY;
        }
        if (caller.hasSession(auth, now)) {
            return Decision.ALLOW;
        }
        String authorization = caller.authorization();
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Decision.ASK;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(authorization.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return Decision.ASK;
        }
        return matches(auth, presented) ? Decision.ALLOW : Decision.ASK;
    }

    private static boolean matches(AdminAuth auth, byte[] presented) {
        byte[] expected = (auth.username().value() + ":" + auth.password().value()).getBytes(StandardCharsets.UTF_8);
        // Constant time: how long the comparison takes says nothing about how much of it matched.
        return MessageDigest.isEqual(ConfigJson.sha256(presented).getBytes(StandardCharsets.US_ASCII),
                ConfigJson.sha256(expected).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A request for localhost: what {@code kubectl port-forward} sends. Checked besides the address because a
     * page a browser loaded from elsewhere can rebind its own name to 127.0.0.1 (its Host stays that name),
     * and because a sidecar proxy (Linkerd, an nginx in the pod) connects from loopback for every caller,
     * who ask for the Service's name.
     */
    private static boolean isLocalName(String host) {
        return host != null && (host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
    }

    /**
     * Exactly the loopback addresses {@code kubectl port-forward} connects from. Not all of 127/8: a mesh
     * sidecar (Istio hands inbound traffic over from 127.0.0.6) would make every caller in the mesh local.
     */
    private static boolean isLoopback(String host) {
        return "127.0.0.1".equals(host) || "::1".equals(host) || "0:0:0:0:0:0:0:1".equals(host);
    }
}
