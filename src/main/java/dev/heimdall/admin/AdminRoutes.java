package dev.heimdall.admin;

import dev.heimdall.admin.GovernanceAdmin.Kind;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * The management API's routes under {@code /api/}, in the order a request meets them: 503 until a
 * configuration is loaded, a body reader bounded to 1 MiB, the JSON content-type rule for POST and PUT, the
 * session endpoints (open: they are how a client gets in), the admin guard, then each resource. Nothing here is
 * on the {@code /v1} path.
 */
@ApplicationScoped
public class AdminRoutes {

    static final int BODY_LIMIT_BYTES = 1024 * 1024;

    private final AdminGuard guard;
    private final ProvidersAdmin providers;
    private final GovernanceAdmin governance;
    private final ConfigAdmin config;
    private final LogsHandler logs;

    public AdminRoutes(AdminGuard guard, ProvidersAdmin providers, GovernanceAdmin governance, ConfigAdmin config, LogsHandler logs) {
        this.guard = guard;
        this.providers = providers;
        this.governance = governance;
        this.config = config;
        this.logs = logs;
    }

    /** After the inference routes (api.ApiRoutes), which a /v1 request should meet first. */
    void register(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) Router router) {
        router.route("/api/*").handler(guard::ready);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        router.post("/api/*").handler(RequestBodies::requireJson);
        router.put("/api/*").handler(RequestBodies::requireJson);
        // Before the guard: what a client asks to be let in.
        router.post("/api/session/login").handler(guard::login);
        router.post("/api/session/logout").handler(guard::logout);
        router.get("/api/session/is-auth-enabled").handler(guard::authState);
        router.route("/api/*").handler(guard::handle);
        router.get("/api/config").handler(config::config);
        router.get("/api/aliases").handler(config::aliasList);
        router.put("/api/aliases/:name").handler(config::putAlias);
        router.delete("/api/aliases/:name").handler(config::deleteAlias);
        router.get("/api/logs").handler(logs::list);
        router.get("/api/logs/summary").handler(logs::summary);
        router.get("/api/logs/stream").handler(logs::stream);
        router.get("/api/logs/:id").handler(logs::one);

        router.get("/api/providers").handler(providers::list);
        router.post("/api/providers").handler(providers::create);
        router.get("/api/providers/:provider").handler(providers::get);
        router.put("/api/providers/:provider").handler(providers::update);
        router.delete("/api/providers/:provider").handler(providers::delete);
        router.get("/api/providers/:provider/keys").handler(providers::keys);
        router.post("/api/providers/:provider/keys").handler(providers::createKey);
        router.get("/api/providers/:provider/keys/:key").handler(providers::key);
        router.put("/api/providers/:provider/keys/:key").handler(providers::updateKey);
        router.delete("/api/providers/:provider/keys/:key").handler(providers::deleteKey);

        for (Kind kind : Kind.values()) {
            String base = "/api/governance/" + kind.path;
            router.get(base).handler(ctx -> governance.list(ctx, kind));
            router.post(base).handler(ctx -> governance.create(ctx, kind));
            router.get(base + "/:id").handler(ctx -> governance.get(ctx, kind));
            router.put(base + "/:id").handler(ctx -> governance.update(ctx, kind));
            router.delete(base + "/:id").handler(ctx -> governance.delete(ctx, kind));
        }
        router.post("/api/governance/virtual-keys/:id/rotate").handler(governance::rotate);

        router.route("/api/*").handler(ctx -> Replies.error(ctx, new dev.heimdall.provider.OpenAiError(404, "not_found_error",
                "unknown_url", null, "Unknown management API path " + ctx.request().method() + " " + ctx.request().path()
                        + "; GET /q/openapi lists them all.")));
        router.route("/api/*").failureHandler(ctx -> Replies.failure(ctx, ctx.failure()));
    }
}
