package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.AliasConfig;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigService.EntityChange;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.PluginConfig;
import dev.heimdall.store.RequestLogStore;
import dev.heimdall.store.StoredEntity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/config}: the configuration in force (redacted), where it came from and who owns each entity (the
 * precedence rule: config.json owns what it declares; the API owns the rest, kept across restarts and reloads;
 * an API entity the file also declares is kept but shadowed), and whether API writes reach other replicas.
 * {@code /api/aliases[/{name}]}: Heimdall's aliases, which Bifrost has no API for.
 */
@ApplicationScoped
public class ConfigAdmin {

    private final ConfigService configs;
    private final RequestLogStore logs;

    public ConfigAdmin(ConfigService configs, RequestLogStore logs) {
        this.configs = configs;
        this.logs = logs;
    }

    void config(RoutingContext ctx) {
        Replies.blocking(ctx, this::configView);
    }

    private JsonObject configView() {
        ConfigSnapshot snapshot = configs.current();
        JsonObject entities = new JsonObject();
        new TreeMap<>(snapshot.entities()).forEach((id, state) -> entities.put(id, new JsonObject()
                .put("source", ProviderViews.source(state)).put("shadows_api_entity", state.shadowsApi())
                .put("updated_at", state.changedAt().toString())));
        JsonArray plugins = new JsonArray();
        for (PluginConfig p : snapshot.config().plugins()) {
            plugins.add(new JsonObject().put("name", p.name()).put("enabled", p.enabled()));
        }
        return new JsonObject()
                .put("config_hash", snapshot.configHash())
                .put("applied_at", snapshot.appliedAt().toString())
                .put("config_file", configs.configFile().toString())
                .put("precedence", "config.json owns what it declares (read-only here); what it does not declare is owned by the"
                        + " management API and survives restarts and file reloads")
                .put("config_store", store(configs.storeName(), configs.storeShared(), configs.localOnlyWarning()))
                .put("logs_store", store(logs.describe(), logs.shared(), null))
                .put("entities", entities)
                .put("aliases", aliases(snapshot))
                .put("plugins", plugins)
                .put("warnings", new JsonArray(snapshot.warnings()))
                .put("effective", new JsonObject(ConfigRedaction.redact(configs.effectiveJson()).toString()));
    }

    private static JsonObject store(String name, boolean shared, String warning) {
        return new JsonObject().put("type", shared ? "postgres" : "sqlite").put("database", name).put("shared_across_replicas", shared)
                .put("writes_reach_this_pod_only", warning != null)
                .put("note", shared ? "Every replica reads and writes this database" : warning != null ? warning
                        : "This pod's own file: with more than one replica, writes through this API would reach only this one");
    }

    void aliasList(RoutingContext ctx) {
        Replies.json(ctx, 200, new JsonObject().put("aliases", aliases(configs.current())));
    }

    /** PUT /api/aliases/{name} with {@code {"targets": ["provider/model", …]}} (or one string): creates or replaces it. */
    void putAlias(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            JsonNode targets = body.get("targets");
            if (targets == null) {
                throw AdminException.badRequest("missing_field", "$.targets is required: \"provider/model\" or a list of them, tried in order");
            }
            ConfigSnapshot snapshot = configs.change(List.of(EntityChange.put(ConfigJson.KIND_ALIAS, name, targets, "$.targets")));
            return new JsonObject().put("message", "Alias saved").put("alias", alias(snapshot, snapshot.config().aliases().get(name)));
        });
    }

    void deleteAlias(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Replies.changing(ctx, configs, () -> {
            if (!configs.current().config().aliases().containsKey(name)) {
                throw AdminException.notFound("Alias \"" + name + "\"");
            }
            configs.change(List.of(EntityChange.remove(ConfigJson.KIND_ALIAS, name)));
            return new JsonObject().put("message", "Alias deleted").put("name", name);
        });
    }

    private static JsonObject aliases(ConfigSnapshot snapshot) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, AliasConfig> a : snapshot.config().aliases().entrySet()) {
            out.put(a.getKey(), alias(snapshot, a.getValue()));
        }
        return out;
    }

    private static JsonObject alias(ConfigSnapshot snapshot, AliasConfig a) {
        ConfigSnapshot.EntityState state = snapshot.entity(ConfigJson.KIND_ALIAS, a.name());
        return new JsonObject().put("name", a.name()).put("targets", new JsonArray(a.targets()))
                .put("source", state == null || state.origin() == StoredEntity.Origin.FILE ? "file" : "api");
    }
}
