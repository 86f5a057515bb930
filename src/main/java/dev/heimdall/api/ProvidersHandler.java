package dev.heimdall.api;

import dev.heimdall.config.AliasConfig;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.NetworkConfig;
import dev.heimdall.config.PluginConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.routing.KeyHealth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /api/providers: what is loaded, read-only, for operators. Key values and header values are
 * never shown; an {@code env.NAME} reference is (it names a variable, it is not the secret).
 */
@jakarta.enterprise.context.ApplicationScoped
public class ProvidersHandler {

    private final ConfigService configs;
    private final KeyHealth health;

    public ProvidersHandler(ConfigService configs, KeyHealth health) {
        this.configs = configs;
        this.health = health;
    }

    void handle(RoutingContext ctx) {
        ConfigSnapshot snapshot = configs.current();
        if (snapshot == null) {
            Responses.json(ctx, 503, new JsonObject().put("status", "no configuration loaded yet"));
            return;
        }
        JsonArray providers = new JsonArray();
        for (ProviderConfig p : snapshot.config().providers().values()) {
            ConfigSnapshot.EntityState state = snapshot.providers().get(p.name());
            providers.add(new JsonObject()
                    .put("name", p.name())
                    .put("api", p.kind().family().name().toLowerCase())
                    .put("hash", state == null ? null : state.hash())
                    .put("imported_at", state == null ? null : state.importedAt().toString())
                    .put("keys", keys(p))
                    .put("network_config", network(p.network())));
        }
        JsonObject aliases = new JsonObject();
        for (AliasConfig a : snapshot.config().aliases().values()) {
            aliases.put(a.name(), new JsonArray(a.targets()));
        }
        JsonArray plugins = new JsonArray();
        for (PluginConfig p : snapshot.config().plugins()) {
            plugins.add(new JsonObject().put("name", p.name()).put("enabled", p.enabled()));
        }
        Responses.json(ctx, 200, new JsonObject()
                .put("config_hash", snapshot.configHash())
                .put("applied_at", snapshot.appliedAt().toString())
                .put("source", snapshot.source())
                .put("providers", providers)
                .put("aliases", aliases)
                .put("plugins", plugins)
                .put("warnings", new JsonArray(snapshot.warnings())));
    }

    private JsonArray keys(ProviderConfig p) {
        JsonArray keys = new JsonArray();
        for (KeyConfig k : p.keys()) {
            KeyHealth.Status status = health.status(p, k);
            keys.add(new JsonObject()
                    .put("name", k.name())
                    .put("value", k.value().isEmpty() && k.value().reference() == null ? "" : k.value().redacted())
                    .put("weight", k.weight())
                    .put("models", k.models().all() ? new JsonArray().add("*") : new JsonArray(k.models().names()))
                    .put("aliases", new JsonObject(new java.util.LinkedHashMap<>(k.aliases())))
                    .put("health", new JsonObject()
                            .put("state", status.state().name().toLowerCase())
                            .put("consecutive_failures", status.consecutiveFailures())
                            .put("cooldown_remaining_ms", status.cooldownRemainingMillis())));
        }
        return keys;
    }

    private static JsonObject network(NetworkConfig n) {
        JsonObject headers = new JsonObject();
        n.extraHeaders().forEach((name, value) -> headers.put(name, value.redacted()));
        return new JsonObject()
                .put("api_root", n.apiRoot() == null ? null : n.apiRoot().toString())
                .put("extra_headers", headers)
                .put("default_request_timeout_in_seconds", n.requestTimeout().toSeconds())
                .put("stream_idle_timeout_in_seconds", n.streamIdleTimeout().toSeconds())
                .put("max_retries", n.maxRetries())
                .put("retry_backoff_initial", n.retryBackoffInitial().toMillis())
                .put("retry_backoff_max", n.retryBackoffMax().toMillis())
                .put("max_conns_per_host", n.maxConnsPerHost());
    }
}
