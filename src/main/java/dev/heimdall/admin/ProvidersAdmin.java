package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigService.EntityChange;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.KeyConfig;
import dev.heimdall.config.ProviderConfig;
import dev.heimdall.store.StoredEntity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /api/providers[/{provider}]} and {@code /api/providers/{provider}/keys[/{key}]}, with Bifrost's paths
 * and bodies: a provider is written as config.json writes it (POST carries its name in {@code provider} and may
 * carry its first keys; PUT creates or replaces it and keeps its keys, which have their own endpoints). A
 * key is named by its {@code name}. Key values are write-only: a key sent without one, or with the masked
 * value a GET showed, keeps the value stored.
 */
@ApplicationScoped
public class ProvidersAdmin {

    private final ConfigService configs;
    private final ProviderViews views;

    public ProvidersAdmin(ConfigService configs, ProviderViews views) {
        this.configs = configs;
        this.views = views;
    }

    void list(RoutingContext ctx) {
        ConfigSnapshot snapshot = configs.current();
        JsonArray providers = new JsonArray();
        snapshot.config().providers().values().stream().sorted(Comparator.comparing(ProviderConfig::name))
                .forEach(p -> providers.add(views.provider(p, snapshot)));
        Replies.json(ctx, 200, new JsonObject().put("providers", providers).put("total", providers.size()));
    }

    void get(RoutingContext ctx) {
        Replies.json(ctx, 200, views.provider(provider(ctx.pathParam("provider")), configs.current()));
    }

    void create(RoutingContext ctx) {
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            String name = RequestBodies.requiredString(body, "provider");
            if (configs.current().config().providers().containsKey(name)) {
                throw AdminException.conflict("already_exists", "Provider \"" + name + "\" already exists; PUT /api/providers/" + name + " changes it");
            }
            body.remove("provider");
            JsonNode keys = body.get("keys");
            if (keys != null && keys.isArray()) {
                for (int i = 0; i < keys.size(); i++) {
                    if (keys.get(i).isObject()) {
                        secret((ObjectNode) keys.get(i), null, "$.keys[" + i + "]");
                    }
                }
            }
            return write(name, body);
        });
    }

    void update(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            JsonNode keys = body.remove("keys");
            if (keys != null && !(keys.isArray() && keys.isEmpty()) && !keys.isNull()) {
                throw AdminException.badRequest("keys_not_accepted", "keys are not accepted on this endpoint; use POST or PUT /api/providers/"
                        + name + "/keys[/{key}]");
            }
            body.remove("provider");
            ObjectNode stored = storedProvider(name, false);
            body.set("keys", stored == null ? body.arrayNode() : stored.path("keys").deepCopy());
            return write(name, body);
        });
    }

    void delete(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        Replies.changing(ctx, configs, () -> {
            provider(name);
            configs.change(List.of(EntityChange.remove(ConfigJson.KIND_PROVIDER, name)));
            return new JsonObject().put("message", "Provider deleted").put("name", name);
        });
    }

    void keys(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        Replies.blocking(ctx, () -> {
            JsonArray keys = new JsonArray(keyViews(name));
            return new JsonObject().put("keys", keys).put("total", keys.size());
        });
    }

    void key(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        String keyName = ctx.pathParam("key");
        Replies.blocking(ctx, () -> keyView(name, keyName));
    }

    void createKey(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            ObjectNode stored = storedProvider(name, true);
            ArrayNode keys = keys(stored);
            nameEveryKey(keys);
            String keyName = body.hasNonNull("name") ? RequestBodies.requiredString(body, "name")
                    : "key-" + java.util.UUID.randomUUID().toString().substring(0, 8);
            if (indexOf(keys, keyName) >= 0) {
                throw AdminException.conflict("already_exists", "Provider \"" + name + "\" already has a key named \"" + keyName + "\"");
            }
            body.put("name", keyName);
            secret(body, null, "$");
            keys.add(body);
            write(name, stored);
            return keyView(name, keyName);
        });
    }

    void updateKey(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        String keyName = ctx.pathParam("key");
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            ObjectNode stored = storedProvider(name, true);
            ArrayNode keys = keys(stored);
            int i = existingKey(keys, name, keyName);
            String renamed = body.hasNonNull("name") ? RequestBodies.requiredString(body, "name") : keyName;
            body.put("name", renamed);
            secret(body, keys.get(i), "$");
            keys.set(i, body);
            write(name, stored);
            return keyView(name, renamed);
        });
    }

    void deleteKey(RoutingContext ctx) {
        String name = ctx.pathParam("provider");
        String keyName = ctx.pathParam("key");
        Replies.changing(ctx, configs, () -> {
            ObjectNode stored = storedProvider(name, true);
            ArrayNode keys = keys(stored);
            int i = existingKey(keys, name, keyName);
            keys.remove(i);
            write(name, stored);
            return new JsonObject().put("message", "Key deleted").put("name", keyName);
        });
    }

    private JsonObject write(String name, ObjectNode provider) throws Exception {
        ConfigSnapshot snapshot = configs.change(List.of(EntityChange.put(ConfigJson.KIND_PROVIDER, name, provider, "$")));
        return views.provider(snapshot.config().providers().get(name), snapshot);
    }

    private JsonObject keyView(String provider, String key) {
        return keyViews(provider).stream().filter(k -> k.getString("name").equals(key)).findFirst()
                .orElseThrow(() -> AdminException.notFound("Key \"" + key + "\" of provider \"" + provider + "\""));
    }

    /** Every key of a provider as stored, in force or not ({@code "enabled": false} keys are not in force). */
    private List<JsonObject> keyViews(String name) {
        ProviderConfig p = provider(name);
        StoredEntity stored = configs.stored(ConfigJson.KIND_PROVIDER, name);
        JsonNode keys = stored == null ? null : ConfigJson.parse(stored.json()).path("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            return p.keys().stream().map(k -> views.key(p, k)).toList(); // the implicit key of a keyless provider
        }
        List<JsonObject> out = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String keyName = keys.get(i).path("name").asText("key-" + i);
            KeyConfig inForce = p.keys().stream().filter(k -> k.name().equals(keyName)).findFirst().orElse(null);
            out.add(inForce != null ? views.key(p, inForce) : views.disabledKey(keyName, keys.get(i)));
        }
        return out;
    }

    /**
     * A key's value as config.json writes it: what the client sent (literal, env.NAME, or Bifrost's object),
     * or, when it sent none or a masked one, the value stored for the key it replaces.
     */
    private static void secret(ObjectNode key, JsonNode storedKey, String path) {
        JsonNode value = SecretValues.input(path + ".value", key.get("value"));
        if (value != null) {
            key.set("value", value);
        } else if (storedKey != null && storedKey.has("value")) {
            key.set("value", storedKey.get("value"));
        } else {
            key.remove("value");
        }
    }

    /** The stored JSON of a provider the API owns; null (or 404 when {@code required}) when there is none; 409 when the file owns it. */
    private ObjectNode storedProvider(String name, boolean required) {
        StoredEntity stored = configs.stored(ConfigJson.KIND_PROVIDER, name);
        if (stored == null) {
            if (required) {
                throw AdminException.notFound("Provider \"" + name + "\"");
            }
            return null;
        }
        if (stored.origin() == StoredEntity.Origin.FILE) {
            throw AdminException.conflict("owned_by_config_file", "provider/" + name + " is declared by " + ConfigService.CONFIG_FILE
                    + ", which owns it: change it there");
        }
        return (ObjectNode) ConfigJson.parse(stored.json());
    }

    private ProviderConfig provider(String name) {
        ProviderConfig p = configs.current().config().providers().get(name);
        if (p == null) {
            throw AdminException.notFound("Provider \"" + name + "\"");
        }
        return p;
    }

    /** The stored provider's keys, as an array it may change (config.json may write "keys": null, or none). */
    private static ArrayNode keys(ObjectNode provider) {
        JsonNode keys = provider.get("keys");
        if (keys instanceof ArrayNode array) {
            return array;
        }
        return provider.putArray("keys");
    }

    /** The index of the named key, once every key has its name written; 404 when there is none. */
    private static int existingKey(ArrayNode keys, String provider, String keyName) {
        int i = indexOf(keys, keyName);
        if (i < 0) {
            throw AdminException.notFound("Key \"" + keyName + "\" of provider \"" + provider + "\"");
        }
        nameEveryKey(keys);
        return i;
    }

    /**
     * Writes config.json's positional default ({@code key-<index>}) into every unnamed key before the list
     * changes, so removing one does not rename the keys after it (virtual keys name keys in key_ids).
     */
    private static void nameEveryKey(ArrayNode keys) {
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) instanceof ObjectNode key && !key.hasNonNull("name")) {
                key.put("name", "key-" + i);
            }
        }
    }

    private static int indexOf(ArrayNode keys, String name) {
        for (int i = 0; i < keys.size(); i++) {
            if (name.equals(keys.get(i).path("name").asText("key-" + i))) { // config.json's default name
                return i;
            }
        }
        return -1;
    }
}
