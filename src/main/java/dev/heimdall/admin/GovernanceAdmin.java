package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigService.EntityChange;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GovernanceConfig;
import dev.heimdall.governance.KeyPolicy;
import dev.heimdall.store.StoredEntity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/governance/{virtual-keys, teams, customers, budgets, rate-limits}}: list, read, create, update
 * (only the fields sent change; {@code null} clears one) and delete, with Bifrost's paths and wrappers
 * ({@code {"virtual_keys": [...], "count": n}}, {@code {"message", "virtual_key"}}). Bodies are the entity as
 * config.json writes it, plus Bifrost's inline {@code budget}/{@code budgets}/{@code rate_limit}. Every write goes
 * through {@link ConfigService#change}: validated like config.json, stored, applied at once.
 */
@ApplicationScoped
public class GovernanceAdmin {

    /** The kinds of governance entity, with Bifrost's names for them. */
    enum Kind {
        VIRTUAL_KEY(ConfigJson.KIND_VIRTUAL_KEY, "virtual-keys", "virtual_key", "virtual_keys", "Virtual key", "virtual_key_id"),
        TEAM(ConfigJson.KIND_TEAM, "teams", "team", "teams", "Team", "team_id"),
        CUSTOMER(ConfigJson.KIND_CUSTOMER, "customers", "customer", "customers", "Customer", "customer_id"),
        BUDGET(ConfigJson.KIND_BUDGET, "budgets", "budget", "budgets", "Budget", null),
        RATE_LIMIT(ConfigJson.KIND_RATE_LIMIT, "rate-limits", "rate_limit", "rate_limits", "Rate limit", null);

        final String kind;
        final String path;
        final String singular;
        final String plural;
        final String label;
        /** The field a budget names this owner by; null for kinds that own no inline limits. */
        final String ownerField;

        Kind(String kind, String path, String singular, String plural, String label, String ownerField) {
            this.kind = kind;
            this.path = path;
            this.singular = singular;
            this.plural = plural;
            this.label = label;
            this.ownerField = ownerField;
        }
    }

    /** Bifrost's prefix for virtual keys, which clients may present as {@code Authorization: Bearer sk-bf-…}. */
    static final String VALUE_PREFIX = "sk-bf-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> BUDGET_OWNERS = List.of("virtual_key_id", "team_id", "customer_id", "provider_config_id");
    private static final java.util.Set<String> INLINE = java.util.Set.of("budget", "budgets", "rate_limit");

    private final ConfigService configs;
    private final GovernanceViews views;

    public GovernanceAdmin(ConfigService configs, GovernanceViews views) {
        this.configs = configs;
        this.views = views;
    }

    void list(RoutingContext ctx, Kind kind) {
        String team = ctx.request().getParam("team_id");
        String customer = ctx.request().getParam("customer_id");
        String search = ctx.request().getParam("search");
        int limit = LogsHandler.number(ctx, "limit", 1000, 1, 1000);
        int offset = LogsHandler.number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Replies.blocking(ctx, () -> {
            List<JsonObject> all = new ArrayList<>();
            for (JsonObject v : all(kind)) {
                if ((team == null || !v.containsKey("team_id") || team.equals(v.getString("team_id")))
                        && (customer == null || !v.containsKey("customer_id") || customer.equals(v.getString("customer_id")))
                        && (search == null || matches(v, search))) {
                    all.add(v);
                }
            }
            List<JsonObject> page = all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit));
            return new JsonObject().put(kind.plural, new JsonArray(new ArrayList<>(page))).put("count", page.size())
                    .put("total_count", all.size()).put("limit", limit).put("offset", offset);
        });
    }

    void get(RoutingContext ctx, Kind kind) {
        String id = ctx.pathParam("id");
        Replies.blocking(ctx, () -> new JsonObject().put(kind.singular, existing(kind, id)));
    }

    void create(RoutingContext ctx, Kind kind) {
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            String id = RequestBodies.idOrNew(body, "id");
            if (view(kind, id) != null || configs.stored(kind.kind, id) != null) {
                throw AdminException.conflict("already_exists", kind.label + " \"" + id + "\" already exists; PUT changes it");
            }
            body.put("id", id);
            if (kind != Kind.BUDGET && kind != Kind.RATE_LIMIT) {
                RequestBodies.requiredString(body, "name");
            }
            if (kind == Kind.BUDGET && BUDGET_OWNERS.stream().noneMatch(body::hasNonNull)) {
                // An unowned budget limits nothing, and config.json only warns about it; here it is refused.
                throw AdminException.badRequest("missing_owner", "A budget needs its owner: one of " + String.join(", ", BUDGET_OWNERS));
            }
            String shownOnce = kind == Kind.VIRTUAL_KEY ? newValue(body) : null;
            write(kind, id, body);
            return new JsonObject().put("message", kind.label + " created").put(kind.singular, withValue(existing(kind, id), shownOnce));
        });
    }

    void update(RoutingContext ctx, Kind kind) {
        String id = ctx.pathParam("id");
        ObjectNode body = RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            ObjectNode merged = storedApiEntity(kind, id);
            for (var field : body.properties()) {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (name.equals("id")) {
                    continue;
                }
                if (name.equals("value") && kind == Kind.VIRTUAL_KEY) {
                    JsonNode sent = SecretValues.input("$.value", value);
                    if (sent != null) {
                        merged.set("value", sent);
                    }
                } else if (value.isNull() && !(kind.ownerField != null && INLINE.contains(name))) {
                    merged.remove(name);
                } else {
                    merged.set(name, value);
                }
            }
            write(kind, id, merged);
            return new JsonObject().put("message", kind.label + " updated").put(kind.singular, existing(kind, id));
        });
    }

    void delete(RoutingContext ctx, Kind kind) {
        String id = ctx.pathParam("id");
        Replies.changing(ctx, configs, () -> {
            existing(kind, id);
            List<EntityChange> changes = new ArrayList<>();
            changes.add(EntityChange.remove(kind.kind, id));
            if (kind.ownerField != null) {
                InlineLimits.removeWith(id, kind.ownerField, configs.current(), views.policies().config(), changes);
            }
            configs.change(changes);
            return new JsonObject().put("message", kind.label + " deleted").put("id", id);
        });
    }

    /** POST /api/governance/virtual-keys/{id}/rotate: a new value (the body's, or a generated one), shown once; the old one stops working at once. */
    void rotate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ObjectNode body = ctx.body().length() <= 0 ? null : RequestBodies.object(ctx);
        Replies.changing(ctx, configs, () -> {
            ObjectNode stored = storedApiEntity(Kind.VIRTUAL_KEY, id);
            if (body != null && body.has("value")) {
                stored.set("value", body.get("value"));
            } else {
                stored.remove("value");
            }
            String shownOnce = newValue(stored);
            write(Kind.VIRTUAL_KEY, id, stored);
            return new JsonObject().put("message", "Virtual key rotated").put("virtual_key", withValue(existing(Kind.VIRTUAL_KEY, id), shownOnce));
        });
    }

    private void write(Kind kind, String id, ObjectNode entity) throws Exception {
        List<EntityChange> changes = new ArrayList<>();
        if (kind.ownerField != null) {
            InlineLimits.extract(entity, id, kind.ownerField, configs.current(), views.policies().config(), (k, name) -> {
                StoredEntity s = configs.stored(k, name);
                return s == null || s.origin() == StoredEntity.Origin.FILE ? null : ConfigJson.parse(s.json());
            }, changes);
        }
        changes.add(0, EntityChange.put(kind.kind, id, entity, "$"));
        configs.change(changes);
    }

    /** A virtual key's value for a create or rotation: the client's (a literal or env.NAME), else a new random one. */
    private static String newValue(ObjectNode key) {
        if (key.hasNonNull("value")) {
            JsonNode sent = SecretValues.input("$.value", key.get("value"));
            if (sent == null || sent.textValue().isEmpty()) {
                throw AdminException.badField("invalid_value", "$.value", "$.value must be a new key value (a literal or env.NAME), or left out to have one generated");
            }
            key.set("value", sent);
            String value = sent.textValue();
            return value.startsWith("env.") || value.startsWith(ConfigJson.HASHED) ? null : value;
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String value = VALUE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        key.put("value", value);
        return value;
    }

    private static JsonObject withValue(JsonObject view, String value) {
        return value == null ? view : view.put("value", value);
    }

    /** The stored JSON of an API-owned entity, to change; 404 when there is none, 409 when config.json owns it. */
    private ObjectNode storedApiEntity(Kind kind, String id) {
        StoredEntity stored = configs.stored(kind.kind, id);
        if (stored == null) {
            throw AdminException.notFound(kind.label + " \"" + id + "\"");
        }
        if (stored.origin() == StoredEntity.Origin.FILE) {
            throw AdminException.conflict("owned_by_config_file", kind.label + " \"" + id + "\" is declared by "
                    + ConfigService.CONFIG_FILE + ", which owns it: change it there");
        }
        return (ObjectNode) ConfigJson.parse(stored.json());
    }

    private JsonObject existing(Kind kind, String id) {
        JsonObject view = view(kind, id);
        if (view == null) {
            throw AdminException.notFound(kind.label + " \"" + id + "\"");
        }
        return view;
    }

    private JsonObject view(Kind kind, String id) {
        GovernanceConfig g = views.policies().config();
        return switch (kind) {
            case VIRTUAL_KEY -> {
                KeyPolicy p = views.policies().all().stream().filter(k -> k.key().id().equals(id)).findFirst().orElse(null);
                yield p == null ? null : views.virtualKey(p);
            }
            case TEAM -> g.teams().containsKey(id) ? views.team(g.teams().get(id)) : null;
            case CUSTOMER -> g.customers().containsKey(id) ? views.customer(g.customers().get(id)) : null;
            case BUDGET -> g.budgets().containsKey(id) ? views.budget(g.budgets().get(id)) : null;
            case RATE_LIMIT -> g.rateLimits().containsKey(id) ? views.rateLimit(g.rateLimits().get(id)) : null;
        };
    }

    private List<JsonObject> all(Kind kind) {
        GovernanceConfig g = views.policies().config();
        return switch (kind) {
            case VIRTUAL_KEY -> views.policies().all().stream().map(views::virtualKey).toList();
            case TEAM -> g.teams().values().stream().map(views::team).toList();
            case CUSTOMER -> g.customers().values().stream().map(views::customer).toList();
            case BUDGET -> g.budgets().values().stream().map(views::budget).toList();
            case RATE_LIMIT -> g.rateLimits().values().stream().map(views::rateLimit).toList();
        };
    }

    private static boolean matches(JsonObject view, String search) {
        String needle = search.toLowerCase(Locale.ROOT);
        String name = view.getString("name");
        return view.getString("id").toLowerCase(Locale.ROOT).contains(needle) || name != null && name.toLowerCase(Locale.ROOT).contains(needle);
    }
}
