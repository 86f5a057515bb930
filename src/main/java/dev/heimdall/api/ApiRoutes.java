package dev.heimdall.api;

import dev.heimdall.config.ConfigService;
import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.store.Stores;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * Registers the inference routes (both dialects) and /health on Quarkus's Vert.x router, in one place
 * because order matters: the specific routes first, then the catch-all that turns unknown paths and wrong
 * methods into 404/405 errors in the dialect's shape. The management API's routes are admin.AdminRoutes.
 */
@ApplicationScoped
public class ApiRoutes {

    private static final String MODELS = "/v1/models/";
    /** Where Anthropic's clients find the gateway ({@code ANTHROPIC_BASE_URL=http://<gateway>/anthropic}). */
    static final String ANTHROPIC = "/anthropic/";
    private static final String ANTHROPIC_MODELS = "/anthropic/v1/models/";

    private final InferenceHandler inference;
    private final ModelsHandler models;
    private final ConfigService configs;
    private final Stores stores;
    private final DrainGuard drain;

    public ApiRoutes(InferenceHandler inference, ModelsHandler models, ConfigService configs, Stores stores, DrainGuard drain) {
        this.drain = drain;
        this.inference = inference;
        this.models = models;
        this.configs = configs;
        this.stores = stores;
    }

    /** First among the route observers: a /v1 request meets its own routes before any other. */
    void register(@Observes @Priority(Interceptor.Priority.APPLICATION) Router router) {
        router.route("/v1/*").handler(drain::handle);
        router.route("/anthropic/*").handler(drain::handle);
        for (Endpoint endpoint : Endpoint.values()) {
            router.post((endpoint.anthropic() ? "/anthropic/v1" : "/v1") + endpoint.path()).handler(ctx -> inference.handle(ctx, endpoint));
        }
        router.get("/v1/models").handler(ctx -> models.list(ctx, false));
        router.get(MODELS + "*").handler(ctx -> models.get(ctx, MODELS, false));
        router.get("/anthropic/v1/models").handler(ctx -> models.list(ctx, true));
        router.get(ANTHROPIC_MODELS + "*").handler(ctx -> models.get(ctx, ANTHROPIC_MODELS, true));
        router.route("/v1/*").handler(ApiRoutes::unknown);
        router.route("/anthropic/*").handler(ApiRoutes::unknown);
        router.route("/v1/*").failureHandler(ctx -> Responses.error(ctx, Responses.toError(ctx.failure())));
        router.route("/anthropic/*").failureHandler(ctx -> Responses.error(ctx, Responses.toError(ctx.failure())));
        router.get("/health").handler(this::health);
    }

    /** Bifrost's health path, which existing probes and scripts use: the pod's own SQLite file, as readiness. */
    private void health(RoutingContext ctx) {
        if (configs.current() == null) {
            Responses.json(ctx, 503, new JsonObject().put("status", "starting"));
            return;
        }
        ctx.vertx().executeBlocking(() -> stores.local().ping(), false).onComplete(ar -> {
            boolean ok = ar.succeeded() && ar.result();
            Responses.json(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "ok" : "sqlite not answering"));
        });
    }

    private static void unknown(RoutingContext ctx) {
        String path = ctx.request().path();
        boolean anthropic = path.startsWith(ANTHROPIC);
        String root = anthropic ? "/anthropic/v1" : "/v1";
        boolean models = path.equals(root + "/models") || path.startsWith(root + "/models/");
        boolean known = models;
        for (Endpoint e : Endpoint.values()) {
            known |= e.anthropic() == anthropic && path.equals(root + e.path());
        }
        if (known) {
            ctx.response().putHeader("Allow", models ? "GET" : "POST");
            Responses.error(ctx, OpenAiError.invalidRequest(405, "method_not_allowed", null,
                    ctx.request().method() + " is not allowed on " + path + "."));
        } else {
            Responses.error(ctx, OpenAiError.invalidRequest(404, "unknown_url", null,
                    "Unknown path " + ctx.request().method() + " " + path
                            + (anthropic ? ". Heimdall serves /anthropic/v1/messages, /anthropic/v1/messages/count_tokens and /anthropic/v1/models."
                                    : ". Heimdall serves /v1/chat/completions, /v1/completions, /v1/embeddings and /v1/models.")));
        }
    }
}
