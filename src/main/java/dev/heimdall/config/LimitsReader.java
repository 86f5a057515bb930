package dev.heimdall.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heimdall.config.GovernanceConfig.Budget;
import dev.heimdall.config.GovernanceConfig.Customer;
import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.config.GovernanceConfig.RateLimit;
import dev.heimdall.config.GovernanceConfig.Team;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code governance.rate_limits} and {@code governance.budgets}. A budget's owner is declared on the budget
 * ({@code virtual_key_id}, {@code team_id}, {@code customer_id}, {@code provider_config_id}) or by the owner
 * ({@code budget_id}, a customer's inline {@code budgets}); owners are resolved once every entity is read,
 * and a budget with two owners is a problem.
 */
final class LimitsReader {

    private static final Set<String> RATE_LIMIT_FIELDS = Set.of("id", "request_max_limit", "request_reset_duration",
            "token_max_limit", "token_reset_duration", "metric");
    private static final Set<String> BUDGET_FIELDS = Set.of("id", "max_limit", "reset_duration", "virtual_key_id", "team_id",
            "customer_id", "provider_config_id", "model_config_id", "calendar_aligned");
    private static final String[] OWNER_FIELDS = {"virtual_key_id", "team_id", "customer_id", "provider_config_id"};

    private final ConfigReader r;

    LimitsReader(ConfigReader r) {
        this.r = r;
    }

    /** A budget as read, before its owner is known. */
    static final class Draft {
        private final String path;
        private final JsonNode node;
        private final Budget budget;
        private Owner owner;
        private String ownerPath;

        Draft(String path, JsonNode node, Budget budget) {
            this.path = path;
            this.node = node;
            this.budget = budget;
        }

        String path() {
            return path;
        }
    }

    Map<String, RateLimit> rateLimits(String path, JsonNode node) {
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        GovernanceReader.each(r, path, node, (p, l) -> {
            r.warnUnknown(p, l, RATE_LIMIT_FIELDS);
            String id = GovernanceReader.id(r, p, l, limits.keySet());
            Long requests = count(p + ".request_max_limit", l.get("request_max_limit"));
            ResetWindow requestWindow = window(p + ".request_reset_duration", l.get("request_reset_duration"), requests != null);
            Long tokens = count(p + ".token_max_limit", l.get("token_max_limit"));
            ResetWindow tokenWindow = window(p + ".token_reset_duration", l.get("token_reset_duration"), tokens != null);
            if (requests == null && tokens == null && !l.hasNonNull("request_max_limit") && !l.hasNonNull("token_max_limit")) {
                r.problem(p, "needs request_max_limit or token_max_limit (with its reset duration)");
            }
            if (id != null) {
                limits.put(id, new RateLimit(id, requests, requestWindow, tokens, tokenWindow));
            }
        });
        return limits;
    }

    Map<String, Draft> budgets(String path, JsonNode node) {
        Map<String, Draft> budgets = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>(); // every id seen, so a duplicate of an invalid budget is still reported
        GovernanceReader.each(r, path, node, (p, b) -> {
            r.warnUnknown(p, b, BUDGET_FIELDS);
            if (b.hasNonNull("model_config_id")) {
                r.warn(p + ".model_config_id: model configs are not implemented by Heimdall yet; this budget applies to nothing");
            }
            String id = GovernanceReader.id(r, p, b, ids);
            if (id != null) {
                ids.add(id);
            }
            Double max = usd(p + ".max_limit", b.get("max_limit"));
            ResetWindow reset = window(p + ".reset_duration", b.get("reset_duration"), true);
            if (id != null && max != null && reset != null) {
                budgets.put(id, new Draft(p, b, new Budget(id, max, reset, null)));
            }
        });
        return budgets;
    }

    /** An owner's {@code budget_id}: the budget it names belongs to {@code owner}. */
    void claim(String path, JsonNode budgetId, Map<String, Draft> budgets, Owner owner) {
        String id = GovernanceReader.reference(r, path, budgetId, budgets.keySet(), "budget");
        if (id != null) {
            claim(path, owner, budgets.get(id));
        }
    }

    void claim(String path, Owner owner, Draft budget) {
        if (budget.owner != null && !budget.owner.equals(owner)) {
            r.problem(path, "gives budget \"" + budget.budget.id() + "\" a second owner; it already applies to "
                    + describe(budget.owner) + " (" + budget.ownerPath + "); a budget has one owner");
            return;
        }
        budget.owner = owner;
        budget.ownerPath = path;
    }

    /** The owners budgets declare themselves, checked against what exists; then each budget with its owner. */
    Map<String, Budget> resolveOwners(Map<String, Draft> budgets, Map<String, VirtualKey> keys, Map<String, Team> teams,
            Map<String, Customer> customers) {
        Set<String> providerConfigs = new HashSet<>();
        for (VirtualKey k : keys.values()) {
            for (ProviderAccess a : k.providerConfigs()) {
                if (a.id() != null) {
                    providerConfigs.add(a.id());
                }
            }
        }
        Map<String, Budget> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, Draft> e : budgets.entrySet()) {
            Draft d = e.getValue();
            int declared = 0;
            for (String field : OWNER_FIELDS) {
                if (d.node.hasNonNull(field)) {
                    declared++;
                }
            }
            if (declared > 1) {
                r.problem(d.path, "sets more than one of virtual_key_id, team_id, customer_id, provider_config_id; a budget has one owner");
                continue;
            }
            own(d, "virtual_key_id", keys.keySet(), "virtual key", Owner.Kind.VIRTUAL_KEY);
            own(d, "team_id", teams.keySet(), "team", Owner.Kind.TEAM);
            own(d, "customer_id", customers.keySet(), "customer", Owner.Kind.CUSTOMER);
            own(d, "provider_config_id", providerConfigs, "provider config (an id in virtual_keys[].provider_configs)",
                    Owner.Kind.PROVIDER_CONFIG);
            if (d.owner == null) {
                if (!d.node.hasNonNull("model_config_id")) {
                    r.warn(d.path + " (budget \"" + e.getKey() + "\") has no owner (virtual_key_id, team_id, customer_id or"
                            + " provider_config_id), so it applies to nothing");
                }
                continue;
            }
            resolved.put(e.getKey(), new Budget(d.budget.id(), d.budget.maxLimitUsd(), d.budget.reset(), d.owner));
        }
        return resolved;
    }

    private void own(Draft d, String field, Set<String> known, String what, Owner.Kind kind) {
        String id = GovernanceReader.reference(r, d.path + "." + field, d.node.get(field), known, what);
        if (id != null) {
            claim(d.path + "." + field, new Owner(kind, id), d);
        }
    }

    private static String describe(Owner owner) {
        return owner.kind().name().toLowerCase().replace('_', ' ') + " \"" + owner.id() + "\"";
    }

    private Long count(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1) {
            r.problem(path, "must be a whole number of at least 1, not " + (node.isNumber() ? node.asText() : ConfigReader.kind(node)));
            return null;
        }
        return node.longValue();
    }

    private Double usd(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            r.problem(path, "is required (the budget in USD)");
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || node.doubleValue() < 0) {
            r.problem(path, "must be an amount in USD of 0 or more, not " + (node.isNumber() ? node.asText() : ConfigReader.kind(node)));
            return null;
        }
        return node.doubleValue();
    }

    private ResetWindow window(String path, JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                r.problem(path, "is required: a duration such as 30s, 5m, 1h, 1d, 1w, 1M (month) or 1Y");
            }
            return null;
        }
        ResetWindow w = node.isTextual() ? ResetWindow.parse(node.textValue()) : null;
        if (w == null) {
            r.problem(path, "must be a duration such as 30s, 5m, 1h, 1d, 1w, 1M (month) or 1Y, not "
                    + (node.isTextual() ? "\"" + node.textValue() + "\"" : ConfigReader.kind(node)));
        }
        return w;
    }
}
