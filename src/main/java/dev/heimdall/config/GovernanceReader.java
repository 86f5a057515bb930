package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.GovernanceConfig.AdminAuth;
import dev.heimdall.config.GovernanceConfig.Budget;
import dev.heimdall.config.GovernanceConfig.Customer;
import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.config.GovernanceConfig.RateLimit;
import dev.heimdall.config.GovernanceConfig.Team;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Bifrost's {@code governance} section: rate limits and budgets ({@link LimitsReader}), teams, customers,
 * virtual keys ({@link VirtualKeysReader}), {@code pricing_overrides} ({@link PricingOverridesReader}) and
 * {@code auth_config}; then every reference between them is
 * checked and each budget gets its one owner, so the gateway never meets a dangling id at run time.
 */
final class GovernanceReader {

    private static final String PATH = "$.governance";
    private static final Set<String> FIELDS = Set.of("virtual_keys", "budgets", "rate_limits", "teams", "customers", "auth_config",
            "pricing_overrides");
    /** Bifrost fields Heimdall does not act on yet: reported by path, never silently dropped. */
    private static final Set<String> NOT_YET = Set.of("routing_rules", "model_configs", "mcp_configs",
            "guardrail_rules", "guardrail_providers", "plugins");
    private static final Set<String> TEAM_FIELDS = Set.of("id", "name", "customer_id", "rate_limit_id", "budget_id", "profile",
            "config", "claims");
    private static final Set<String> CUSTOMER_FIELDS = Set.of("id", "name", "rate_limit_id", "budget_id", "budgets");
    private static final Set<String> AUTH_FIELDS = Set.of("is_enabled", "admin_username", "admin_password", "disable_auth_on_inference");

    private final ConfigReader r;

    GovernanceReader(ConfigReader r) {
        this.r = r;
    }

    /** {@code enforceAuthOnInference} is the client section's flag, which auth_config may override. */
    GovernanceConfig read(JsonNode node, Map<String, ProviderConfig> providers, boolean enforceAuthOnInference) {
        if (node == null || node.isNull()) {
            return enforceAuthOnInference ? noKeys(true) : GovernanceConfig.NONE;
        }
        if (!node.isObject()) {
            r.problem(PATH, "must be an object, not " + ConfigReader.kind(node));
            return GovernanceConfig.NONE;
        }
        for (String field : ConfigReader.iterable(node.fieldNames())) {
            if (NOT_YET.contains(field)) {
                r.warn(PATH + "." + field + " is not implemented by Heimdall yet; it is ignored");
            } else if (!FIELDS.contains(field)) {
                r.warn(PATH + "." + field + " is not a known field; it is ignored");
            }
        }
        LimitsReader limits = new LimitsReader(r);
        Map<String, RateLimit> rateLimits = limits.rateLimits(PATH + ".rate_limits", node.get("rate_limits"));
        Map<String, LimitsReader.Draft> budgets = limits.budgets(PATH + ".budgets", node.get("budgets"));
        Map<String, Customer> customers = customers(node.get("customers"), rateLimits, budgets, limits);
        Map<String, Team> teams = teams(node.get("teams"), rateLimits, customers, budgets, limits);
        Map<String, VirtualKey> keys = new VirtualKeysReader(r).read(PATH + ".virtual_keys", node.get("virtual_keys"),
                providers, rateLimits, teams, customers, budgets, limits);
        Map<String, Budget> owned = limits.resolveOwners(budgets, keys, teams, customers);

        JsonNode auth = node.get("auth_config");
        AdminAuth admin = adminAuth(auth);
        boolean enforce = enforceAuthOnInference;
        // Bifrost's more specific switch, which counts only while admin authentication is on.
        if (admin != null && auth.hasNonNull("disable_auth_on_inference")) {
            enforce = !r.bool(PATH + ".auth_config.disable_auth_on_inference", auth.get("disable_auth_on_inference"), false);
        }
        if (enforce && keys.isEmpty()) {
            r.warn("Inference requires a virtual key (client.enforce_auth_on_inference) but $.governance.virtual_keys"
                    + " declares none, so every inference request is refused");
        }
        List<PriceOverride> prices = new PricingOverridesReader(r).read(PATH + ".pricing_overrides", node.get("pricing_overrides"), providers);
        return new GovernanceConfig(keys, owned, rateLimits, teams, customers, prices, admin, enforce);
    }

    private GovernanceConfig noKeys(boolean enforce) {
        r.warn("Inference requires a virtual key (client.enforce_auth_on_inference) but there is no $.governance"
                + " section, so every inference request is refused");
        return new GovernanceConfig(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null, enforce);
    }

    private Map<String, Customer> customers(JsonNode node, Map<String, RateLimit> rateLimits, Map<String, LimitsReader.Draft> budgets,
            LimitsReader limits) {
        Map<String, Customer> customers = new LinkedHashMap<>();
        each(PATH + ".customers", node, (path, c) -> {
            r.warnUnknown(path, c, CUSTOMER_FIELDS);
            String id = id(path, c, customers.keySet());
            String rateLimit = reference(path + ".rate_limit_id", c.get("rate_limit_id"), rateLimits.keySet(), "rate limit");
            if (id == null) {
                return;
            }
            customers.put(id, new Customer(id, name(path, c, id), rateLimit));
            limits.claim(path + ".budget_id", c.get("budget_id"), budgets, new Owner(Owner.Kind.CUSTOMER, id));
            JsonNode inline = c.get("budgets");
            if (inline != null && !inline.isNull()) {
                for (Map.Entry<String, LimitsReader.Draft> b : limits.budgets(path + ".budgets", inline).entrySet()) {
                    if (budgets.putIfAbsent(b.getKey(), b.getValue()) != null) {
                        r.problem(b.getValue().path() + ".id", "\"" + b.getKey() + "\" is already the id of another budget");
                    } else {
                        limits.claim(b.getValue().path(), new Owner(Owner.Kind.CUSTOMER, id), b.getValue());
                    }
                }
            }
        });
        return customers;
    }

    private Map<String, Team> teams(JsonNode node, Map<String, RateLimit> rateLimits, Map<String, Customer> customers,
            Map<String, LimitsReader.Draft> budgets, LimitsReader limits) {
        Map<String, Team> teams = new LinkedHashMap<>();
        each(PATH + ".teams", node, (path, t) -> {
            r.warnUnknown(path, t, TEAM_FIELDS);
            String id = id(path, t, teams.keySet());
            String customer = reference(path + ".customer_id", t.get("customer_id"), customers.keySet(), "customer");
            String rateLimit = reference(path + ".rate_limit_id", t.get("rate_limit_id"), rateLimits.keySet(), "rate limit");
            if (id != null) {
                teams.put(id, new Team(id, name(path, t, id), customer, rateLimit));
                limits.claim(path + ".budget_id", t.get("budget_id"), budgets, new Owner(Owner.Kind.TEAM, id));
            }
        });
        return teams;
    }

    private AdminAuth adminAuth(JsonNode node) {
        String path = PATH + ".auth_config";
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            r.problem(path, "must be an object, not " + ConfigReader.kind(node));
            return null;
        }
        r.warnUnknown(path, node, AUTH_FIELDS);
        JsonNode enabled = node.get("is_enabled");
        boolean given = node.hasNonNull("admin_username") || node.hasNonNull("admin_password");
        // Bifrost's default is off; credentials given without is_enabled are still applied, never ignored.
        boolean on = r.bool(path + ".is_enabled", enabled, given);
        if (!on) {
            if (given) {
                r.warn(path + ".is_enabled is false, so the admin credentials are not used and /api/* answers on loopback only");
            }
            return null;
        }
        Secret user = credential(path + ".admin_username", node.get("admin_username"));
        Secret password = credential(path + ".admin_password", node.get("admin_password"));
        return user == null || password == null ? null : new AdminAuth(user, password);
    }

    private Secret credential(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            r.problem(path, "is required when admin authentication is enabled");
            return null;
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            r.problem(path, "must be a non-empty string (a literal or env.NAME)");
            return null;
        }
        Secret s = r.secret(path, node.textValue());
        if (s != null && s.isEmpty()) {
            r.problem(path, "resolves to an empty value");
            return null;
        }
        return s;
    }

    // ---- shared by the governance readers ------------------------------------------------------------

    /** Runs {@code item} for each object of an array section, with its path; null or absent is empty. */
    static void each(ConfigReader r, String path, JsonNode node, BiConsumer<String, JsonNode> item) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            r.problem(path, "must be an array, not " + ConfigReader.kind(node));
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            String p = path + "[" + i + "]";
            if (!node.get(i).isObject()) {
                r.problem(p, "must be an object, not " + ConfigReader.kind(node.get(i)));
            } else {
                item.accept(p, node.get(i));
            }
        }
    }

    private void each(String path, JsonNode node, BiConsumer<String, JsonNode> item) {
        each(r, path, node, item);
    }

    /** The entity's {@code id}: required, text (or a number, as Bifrost's database ids are), unique in its list. */
    static String id(ConfigReader r, String path, JsonNode node, Set<String> taken) {
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            r.problem(path + ".id", "is required");
            return null;
        }
        String text = id.isTextual() ? id.textValue() : id.isIntegralNumber() ? id.asText() : null;
        if (text == null || text.isBlank()) {
            r.problem(path + ".id", "must be a non-empty string");
            return null;
        }
        if (taken.contains(text)) {
            r.problem(path + ".id", "\"" + text + "\" is already used by another entry of this list");
            return null;
        }
        return text;
    }

    private String id(String path, JsonNode node, Set<String> taken) {
        return id(r, path, node, taken);
    }

    private String name(String path, JsonNode node, String id) {
        return r.optionalString(path + ".name", node.get("name"), id);
    }

    /** An optional reference to another entity by id; an unknown id is a problem naming what was expected. */
    static String reference(ConfigReader r, String path, JsonNode node, Set<String> known, String what) {
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.isTextual() ? node.textValue() : node.isIntegralNumber() ? node.asText() : null;
        if (text == null || text.isBlank()) {
            r.problem(path, "must be the id of a " + what);
            return null;
        }
        if (!known.contains(text)) {
            r.problem(path, "names " + what + " \"" + text + "\", which is not declared"
                    + (known.isEmpty() ? "" : " (declared: " + String.join(", ", known) + ")"));
            return null;
        }
        return text;
    }

    private String reference(String path, JsonNode node, Set<String> known, String what) {
        return reference(r, path, node, known, what);
    }
}
