package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.GovernanceConfig.Customer;
import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.config.GovernanceConfig.RateLimit;
import dev.heimdall.config.GovernanceConfig.Team;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code governance.virtual_keys}: each key's value (literal, {@code env.NAME}, or {@code sha256:<hex>} as
 * config.db keeps literals, and as an operator may write it; never in a message), its
 * team or customer, rate limit, expiry, and {@code provider_configs} checked against the configured providers
 * and their key names.
 */
final class VirtualKeysReader {

    private static final Set<String> FIELDS = Set.of("id", "name", "value", "description", "is_active", "team_id", "customer_id",
            "rate_limit_id", "budget_id", "provider_configs", "expires_at", "calendar_aligned", "mcp_configs");
    private static final Set<String> ACCESS_FIELDS = Set.of("id", "provider", "weight", "allowed_models", "key_ids", "rate_limit_id",
            "budget_id");

    private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private final ConfigReader r;

    VirtualKeysReader(ConfigReader r) {
        this.r = r;
    }

    Map<String, VirtualKey> read(String path, JsonNode node, Map<String, ProviderConfig> providers, Map<String, RateLimit> rateLimits,
            Map<String, Team> teams, Map<String, Customer> customers, Map<String, LimitsReader.Draft> budgets, LimitsReader limits) {
        Map<String, VirtualKey> keys = new LinkedHashMap<>();
        Map<String, String> pathByValue = new HashMap<>();
        Set<String> accessIds = new HashSet<>();
        GovernanceReader.each(r, path, node, (p, k) -> {
            r.warnUnknown(p, k, FIELDS);
            if (k.hasNonNull("mcp_configs")) {
                r.warn(p + ".mcp_configs: MCP is not implemented by Heimdall yet; it is ignored");
            }
            String id = GovernanceReader.id(r, p, k, keys.keySet());
            String name = r.optionalString(p + ".name", k.get("name"), id);
            Secret value = value(p + ".value", k.get("value"));
            String hash = value == null ? null : value.value().startsWith(ConfigJson.HASHED)
                    ? value.value().substring(ConfigJson.HASHED.length()) : ConfigJson.sha256(value.value());
            String other = hash == null ? null : pathByValue.putIfAbsent(hash, p + ".value");
            if (other != null) {
                // Which key would a client get? Say where, never what.
                r.problem(p + ".value", "has the same value as " + other + "; each virtual key needs its own value");
                value = null;
                hash = null;
            }
            String description = r.optionalString(p + ".description", k.get("description"), null);
            boolean active = r.bool(p + ".is_active", k.get("is_active"), true);
            Instant expires = expiry(p + ".expires_at", k.get("expires_at"));
            String team = GovernanceReader.reference(r, p + ".team_id", k.get("team_id"), teams.keySet(), "team");
            String customer = GovernanceReader.reference(r, p + ".customer_id", k.get("customer_id"), customers.keySet(), "customer");
            if (k.hasNonNull("team_id") && k.hasNonNull("customer_id")) {
                r.problem(p, "sets both team_id and customer_id; a virtual key belongs to a team or a customer (the team names its customer)");
            }
            String rateLimit = GovernanceReader.reference(r, p + ".rate_limit_id", k.get("rate_limit_id"), rateLimits.keySet(), "rate limit");
            List<ProviderAccess> access = access(p + ".provider_configs", k.get("provider_configs"), providers, rateLimits,
                    budgets, limits, accessIds);
            if (id == null) {
                return;
            }
            limits.claim(p + ".budget_id", k.get("budget_id"), budgets, new Owner(Owner.Kind.VIRTUAL_KEY, id));
            keys.put(id, new VirtualKey(id, name, value, hash, description, active, expires, team, customer, rateLimit, access));
        });
        return keys;
    }

    private Secret value(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            r.warn(path + " is not set, so no client can present this virtual key");
            return null;
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            r.problem(path, "must be a non-empty string (a literal or env.NAME)");
            return null;
        }
        Secret s = r.secret(path, node.textValue());
        if (s == null) {
            return null;
        }
        if (s.isEmpty()) {
            r.problem(path, "resolves to an empty value");
            return null;
        }
        if (s.value().startsWith(ConfigJson.HASHED) && !HASH.matcher(s.value().substring(ConfigJson.HASHED.length())).matches()) {
            r.problem(path, "starts with sha256: but is not a SHA-256 in hex (64 characters 0-9a-f)");
            return null;
        }
        return s;
    }

    private Instant expiry(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return Instant.parse(node.textValue());
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        r.problem(path, "must be a UTC time such as \"2026-12-31T23:59:59Z\"");
        return null;
    }

    private List<ProviderAccess> access(String path, JsonNode node, Map<String, ProviderConfig> providers,
            Map<String, RateLimit> rateLimits, Map<String, LimitsReader.Draft> budgets, LimitsReader limits, Set<String> accessIds) {
        List<ProviderAccess> list = new ArrayList<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            if (r.version() == 1) {
                for (String provider : providers.keySet()) {
                    list.add(new ProviderAccess(null, provider, 1.0, ModelFilter.ALL, ModelFilter.ALL, null));
                }
            } else {
                r.warn(path + " is empty, so this virtual key may call no provider (list the providers it may use, or \"version\": 1)");
            }
            return list;
        }
        Set<String> seen = new HashSet<>();
        GovernanceReader.each(r, path, node, (p, a) -> {
            r.warnUnknown(p, a, ACCESS_FIELDS);
            String provider = GovernanceReader.reference(r, p + ".provider", a.get("provider"), providers.keySet(), "provider");
            if (provider == null && (a.get("provider") == null || a.get("provider").isNull())) {
                r.problem(p + ".provider", "is required");
            }
            if (provider != null && !seen.add(provider)) {
                r.problem(p + ".provider", "\"" + provider + "\" is listed twice for this virtual key");
            }
            double weight = weight(p + ".weight", a.get("weight"));
            ModelFilter models = r.allowList(p + ".allowed_models", a.get("allowed_models"), "model", "this entry allows no model");
            ModelFilter keyIds = r.allowList(p + ".key_ids", a.get("key_ids"), "key", "this entry may use no provider key");
            if (provider != null && !keyIds.all()) {
                Set<String> names = new HashSet<>();
                providers.get(provider).keys().forEach(k -> names.add(k.name()));
                for (int i = 0; i < keyIds.names().size(); i++) {
                    if (!names.contains(keyIds.names().get(i))) {
                        r.problem(p + ".key_ids[" + i + "]", "\"" + keyIds.names().get(i) + "\" is no key of provider " + provider
                                + " (its keys: " + String.join(", ", names) + ")");
                    }
                }
            }
            String rateLimit = GovernanceReader.reference(r, p + ".rate_limit_id", a.get("rate_limit_id"), rateLimits.keySet(), "rate limit");
            String id = a.hasNonNull("id") ? GovernanceReader.id(r, p, a, accessIds) : null;
            if (id != null) {
                accessIds.add(id);
                limits.claim(p + ".budget_id", a.get("budget_id"), budgets, new Owner(Owner.Kind.PROVIDER_CONFIG, id));
            } else if (a.hasNonNull("budget_id")) {
                r.problem(p + ".budget_id", "needs an id on this provider config, which the budget's usage is counted under");
            }
            if (provider != null) {
                list.add(new ProviderAccess(id, provider, weight, models, keyIds, rateLimit));
            }
        });
        return list;
    }

    private double weight(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return 1.0;
        }
        if (!node.isNumber() || !(node.doubleValue() >= 0) || !Double.isFinite(node.doubleValue())) {
            r.problem(path, "must be a number of 0 or more");
            return 1.0;
        }
        return node.doubleValue();
    }
}
