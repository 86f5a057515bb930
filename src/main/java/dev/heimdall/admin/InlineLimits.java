package dev.heimdall.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.ConfigService.EntityChange;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GovernanceConfig;
import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.store.StoredEntity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Bifrost's management API writes an owner's budgets and rate limit inline ({@code "budget": {...}},
 * {@code "budgets": [...]}, {@code "rate_limit": {...}}); Heimdall's configuration keeps them as entities of
 * their own, as config.json does. This turns the one into the other: the inline rate limit becomes
 * {@code <vk|team|customer>-<owner id>-rate-limit}, named by the owner's {@code rate_limit_id}; each inline
 * budget becomes {@code <vk|team|customer>-<owner id>-budget[-n]}, naming its owner. Written inline again, each
 * changes by the fields sent and budgets not sent again go; written as {@code null}, they are removed.
 */
final class InlineLimits {

    private InlineLimits() {
    }

    /** Moves the inline limits out of {@code owner} into changes; {@code ownerField} is the budget's owner field ({@code team_id}…). */
    static void extract(ObjectNode owner, String ownerId, String ownerField, ConfigSnapshot snapshot, GovernanceConfig g,
            BiFunction<String, String, JsonNode> stored, List<EntityChange> changes) {
        if (owner.has("rate_limit")) {
            JsonNode inline = owner.remove("rate_limit");
            String id = prefix(ownerField, ownerId) + "-rate-limit";
            if (inline.isObject()) {
                ObjectNode rateLimit = merged(stored.apply(ConfigJson.KIND_RATE_LIMIT, id), (ObjectNode) inline).put("id", id);
                changes.add(EntityChange.put(ConfigJson.KIND_RATE_LIMIT, id, rateLimit, "$.rate_limit"));
                owner.put("rate_limit_id", id);
            } else if (inline.isNull()) {
                owner.remove("rate_limit_id");
                if (apiOwned(snapshot, ConfigJson.KIND_RATE_LIMIT, id)) {
                    changes.add(EntityChange.remove(ConfigJson.KIND_RATE_LIMIT, id));
                }
            } else {
                throw AdminException.badField("invalid_rate_limit", "$.rate_limit", "$.rate_limit must be an object or null");
            }
        }
        if (owner.has("budget") || owner.has("budgets")) {
            JsonNode one = owner.remove("budget");
            JsonNode many = owner.remove("budgets");
            if (one != null && many != null) {
                throw AdminException.badRequest("invalid_budget", "send $.budget (one) or $.budgets (a list), not both");
            }
            ArrayNode budgets = owner.arrayNode();
            String base = "$.budgets";
            if (many != null && many.isArray()) {
                budgets.addAll((ArrayNode) many);
            } else if (one != null && one.isObject()) {
                budgets.add(one);
                base = "$.budget";
            } else if (!(one == null || one.isNull()) || !(many == null || many.isNull())) {
                throw AdminException.badRequest("invalid_budget", "$.budget must be an object and $.budgets an array (or null)");
            }
            Set<String> kept = new HashSet<>();
            for (int i = 0; i < budgets.size(); i++) {
                if (!budgets.get(i).isObject()) {
                    throw AdminException.badField("invalid_budget", base + "[" + i + "]", base + "[" + i + "] must be an object");
                }
                String id = prefix(ownerField, ownerId) + "-budget" + (i == 0 ? "" : "-" + i);
                ObjectNode budget = merged(stored.apply(ConfigJson.KIND_BUDGET, id), (ObjectNode) budgets.get(i)).put("id", id)
                        .put(ownerField, ownerId);
                changes.add(EntityChange.put(ConfigJson.KIND_BUDGET, id, budget, base.equals("$.budget") ? base : base + "[" + i + "]"));
                kept.add(id);
            }
            removeBudgets(ownerId, ownerField, snapshot, g, kept, changes);
        }
    }

    /** An inline limit written again changes only the fields sent ({@code null} clears one), as Bifrost's updates do. */
    private static ObjectNode merged(JsonNode before, ObjectNode sent) {
        ObjectNode out = before instanceof ObjectNode o ? o.deepCopy() : sent.objectNode();
        sent.properties().forEach(f -> {
            if (f.getValue().isNull()) {
                out.remove(f.getKey());
            } else {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    /** What deleting an owner takes with it: its API-owned budgets and the rate limit written inline for it. */
    static void removeWith(String ownerId, String ownerField, ConfigSnapshot snapshot, GovernanceConfig g, List<EntityChange> changes) {
        removeBudgets(ownerId, ownerField, snapshot, g, Set.of(), changes);
        String rateLimit = prefix(ownerField, ownerId) + "-rate-limit";
        if (apiOwned(snapshot, ConfigJson.KIND_RATE_LIMIT, rateLimit)) {
            changes.add(EntityChange.remove(ConfigJson.KIND_RATE_LIMIT, rateLimit));
        }
    }

    private static void removeBudgets(String ownerId, String ownerField, ConfigSnapshot snapshot, GovernanceConfig g, Set<String> kept,
            List<EntityChange> changes) {
        Owner owner = new Owner(switch (ownerField) {
            case "team_id" -> Owner.Kind.TEAM;
            case "customer_id" -> Owner.Kind.CUSTOMER;
            default -> Owner.Kind.VIRTUAL_KEY;
        }, ownerId);
        for (GovernanceConfig.Budget b : g.budgets().values()) {
            if (owner.equals(b.owner()) && !kept.contains(b.id()) && apiOwned(snapshot, ConfigJson.KIND_BUDGET, b.id())) {
                changes.add(EntityChange.remove(ConfigJson.KIND_BUDGET, b.id()));
            }
        }
    }

    /** Whether a budget is one written inline for its owner (the UI edits those with the owner). */
    static boolean isInlineBudget(GovernanceConfig.Budget b) {
        String field = switch (b.owner().kind()) {
            case VIRTUAL_KEY -> "virtual_key_id";
            case TEAM -> "team_id";
            case CUSTOMER -> "customer_id";
            case PROVIDER_CONFIG -> null;
        };
        String base = field == null ? null : prefix(field, b.owner().id()) + "-budget";
        return base != null && (b.id().equals(base) || b.id().startsWith(base + "-"));
    }

    /** Whether {@code rateLimitId} is the rate limit written inline for this owner. */
    static boolean isInlineRateLimit(String ownerField, String ownerId, String rateLimitId) {
        return rateLimitId != null && rateLimitId.equals(prefix(ownerField, ownerId) + "-rate-limit");
    }

    /** The owner's kind and id: a team and a virtual key may share an id, and their inline limits must not. */
    private static String prefix(String ownerField, String ownerId) {
        return switch (ownerField) {
            case "team_id" -> "team-";
            case "customer_id" -> "customer-";
            default -> "vk-";
        } + ownerId;
    }

    static boolean apiOwned(ConfigSnapshot snapshot, String kind, String name) {
        ConfigSnapshot.EntityState state = snapshot.entity(kind, name);
        return state != null && state.origin() == StoredEntity.Origin.API;
    }
}
