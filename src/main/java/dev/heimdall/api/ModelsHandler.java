package dev.heimdall.api;

import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.governance.Governance;
import dev.heimdall.governance.KeyPolicy;
import dev.heimdall.routing.ModelEntry;
import dev.heimdall.routing.ModelResolver;
import dev.heimdall.routing.Route;
import dev.heimdall.routing.RoutingException;
import dev.heimdall.routing.RoutingTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * GET /v1/models and GET /v1/models/{id} in OpenAI's list format, and the same under /anthropic/v1 in
 * Anthropic's ({@code type: "model"}, {@code display_name}, {@code created_at}, {@code has_more}); ids may
 * contain slashes.
 */
@ApplicationScoped
public class ModelsHandler {

    private final RoutingTable routing;
    private final ConfigService configs;
    private final Governance governance;

    public ModelsHandler(RoutingTable routing, ConfigService configs, Governance governance) {
        this.routing = routing;
        this.configs = configs;
        this.governance = governance;
    }

    /** The models the caller may use: all of them, or with a virtual key only those its provider_configs allow. */
    void list(RoutingContext ctx, boolean anthropic) {
        KeyPolicy key = governance.active() ? governance.identify(ctx.request().headers()) : null;
        ModelResolver resolver = routing.resolver();
        long created = created();
        JsonArray data = new JsonArray();
        for (ModelEntry m : resolver.models()) {
            if (key == null || allowed(key, resolver, m.id())) {
                data.add(model(m, created, anthropic));
            }
        }
        if (anthropic) {
            Responses.json(ctx, 200, new JsonObject().put("data", data).put("has_more", false)
                    .put("first_id", data.isEmpty() ? null : data.getJsonObject(0).getString("id"))
                    .put("last_id", data.isEmpty() ? null : data.getJsonObject(data.size() - 1).getString("id")));
        } else {
            Responses.json(ctx, 200, new JsonObject().put("object", "list").put("data", data));
        }
    }

    void get(RoutingContext ctx, String prefix, boolean anthropic) {
        String id = URLDecoder.decode(ctx.request().path().substring(prefix.length()), StandardCharsets.UTF_8);
        KeyPolicy key = governance.active() ? governance.identify(ctx.request().headers()) : null;
        ModelResolver resolver = routing.resolver();
        if (key != null) {
            governance.restrict(key, resolver.resolve(id).targets()); // refuses what the key may not call
        }
        for (ModelEntry m : resolver.models()) {
            if (m.id().equals(id)) {
                Responses.json(ctx, 200, model(m, created(), anthropic));
                return;
            }
        }
        // Not listed but routable (a bare name, a doubled prefix, a provider accepting any model).
        Route route = resolver.resolve(id);
        Responses.json(ctx, 200, model(new ModelEntry(id, route.primary().provider().name()), created(), anthropic));
    }

    private boolean allowed(KeyPolicy key, ModelResolver resolver, String id) {
        try {
            return governance.allows(key, resolver.resolve(id).targets());
        } catch (RoutingException e) {
            return false; // listed but not resolvable on its own: nothing a key could call by that name
        }
    }

    private long created() {
        ConfigSnapshot snapshot = configs.current();
        return snapshot == null ? 0 : snapshot.appliedAt().getEpochSecond();
    }

    private static JsonObject model(ModelEntry m, long created, boolean anthropic) {
        if (anthropic) {
            return new JsonObject().put("type", "model").put("id", m.id()).put("display_name", m.id())
                    .put("created_at", java.time.Instant.ofEpochSecond(created).toString());
        }
        return new JsonObject().put("id", m.id()).put("object", "model").put("created", created).put("owned_by", m.ownedBy());
    }
}
