package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.NetworkConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.routing.KeyHealth;
import dev.heimdall.store.StoredEntity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Providers and their keys as the management API shows them: configuration, who owns it, and each key's
 * health (circuit breaker state and cool-down). Key values and header values are never shown: a key shows
 * its {@code env.NAME} reference or a masked tail.
 */
@ApplicationScoped
public class ProviderViews {

    private final KeyHealth health;

    public ProviderViews(KeyHealth health) {
        this.health = health;
    }

    JsonObject provider(ProviderConfig p, ConfigSnapshot snapshot) {
        ConfigSnapshot.EntityState state = snapshot.entity(ConfigJson.KIND_PROVIDER, p.name());
        JsonArray keys = new JsonArray();
        p.keys().forEach(k -> keys.add(key(p, k)));
        return new JsonObject()
                .put("name", p.name())
                .put("api", p.kind().family().name().toLowerCase())
                .put("source", source(state))
                .put("config_hash", state == null ? null : state.hash())
                .put("updated_at", state == null ? null : state.changedAt().toString())
                .put("keys", keys)
                .put("network_config", network(p.network()));
    }

    JsonObject key(ProviderConfig p, KeyConfig k) {
        KeyHealth.Status status = health.status(p, k);
        JsonObject key = new JsonObject()
                .put("id", k.name())
                .put("name", k.name())
                .put("value", SecretValues.view(k.value()))
                .put("enabled", true)
                .put("weight", k.weight())
                .put("models", k.models().all() ? new JsonArray().add("*") : new JsonArray(k.models().names()))
                .put("aliases", new JsonObject(new java.util.LinkedHashMap<>(k.aliases())))
                .put("health", new JsonObject()
                        .put("state", status.state().name().toLowerCase())
                        .put("consecutive_failures", status.consecutiveFailures())
                        .put("cooldown_remaining_ms", status.cooldownRemainingMillis()));
        if (k.azure() != null) {
            key.put("azure_key_config", new JsonObject().put("endpoint", k.azure().endpoint().toString())
                    .put("deployments", new JsonObject(new java.util.LinkedHashMap<>(k.azure().deployments())))
                    .put("api_version", k.azure().apiVersion()));
        }
        return key;
    }

    /**
     * A stored key that is not in force ({@code "enabled": false}): everything that was written, secrets
     * redacted and the value shown as an in-force key's is, so that a client can edit and re-enable it.
     */
    JsonObject disabledKey(String name, JsonNode stored) {
        String value = stored.path("value").asText("");
        JsonObject shown = value.startsWith("env.") ? new JsonObject().put("value", "").put("env_var", value).put("from_env", true)
                : new JsonObject().put("value", SecretValues.mask(value)).put("env_var", "").put("from_env", false);
        JsonObject key = new JsonObject(ConfigRedaction.redact(stored).toString());
        return key.put("id", name).put("name", name).put("value", shown).put("enabled", false)
                .put("weight", stored.path("weight").isNumber() ? stored.get("weight").doubleValue() : 1.0)
                .put("models", models(stored.path("models")));
    }

    private static JsonArray models(JsonNode models) {
        JsonArray out = new JsonArray();
        models.forEach(m -> out.add(m.asText()));
        return out;
    }

    static String source(ConfigSnapshot.EntityState state) {
        return state == null || state.origin() == StoredEntity.Origin.FILE ? "file" : "api";
    }

    private static JsonObject network(NetworkConfig n) {
        JsonObject headers = new JsonObject();
        n.extraHeaders().forEach((name, value) -> headers.put(name, value.redacted()));
        return new JsonObject()
                .put("base_url", n.apiRoot() == null ? null : n.apiRoot().toString())
                .put("extra_headers", headers)
                .put("default_request_timeout_in_seconds", n.requestTimeout().toSeconds())
                .put("stream_idle_timeout_in_seconds", n.streamIdleTimeout().toSeconds())
                .put("max_retries", n.maxRetries())
                .put("retry_backoff_initial", n.retryBackoffInitial().toMillis())
                .put("retry_backoff_max", n.retryBackoffMax().toMillis())
                .put("max_conns_per_host", n.maxConnsPerHost());
    }
}
