package dev.heimdall.governance;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.config.GovernanceConfig;
import dev.heimdall.config.GovernanceConfig.Budget;
import dev.heimdall.config.GovernanceConfig.Customer;
import dev.heimdall.config.GovernanceConfig.Owner;
import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.config.GovernanceConfig.RateLimit;
import dev.heimdall.config.GovernanceConfig.Team;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The governance configuration in force, indexed for admission: each virtual key by the SHA-256 of its value,
 * with its limits resolved up the chain key → team → customer. Lookup compares digests, never the values,
 * so how long a comparison takes tells a caller nothing about any key's value.
 */
public final class Policies {

    private final GovernanceConfig config;
    private final Map<String, KeyPolicy> byHash = new HashMap<>();
    private final Map<String, KeyPolicy> byId = new LinkedHashMap<>();

    public Policies(GovernanceConfig config) {
        this.config = config;
        Map<Owner, List<Budget>> budgets = new HashMap<>();
        for (Budget b : config.budgets().values()) {
            budgets.computeIfAbsent(b.owner(), o -> new ArrayList<>()).add(b);
        }
        for (VirtualKey k : config.virtualKeys().values()) {
            List<Limit> limits = new ArrayList<>();
            String owner = "virtual key " + k.name();
            rateLimit(limits, "vk:" + k.id(), owner, k.rateLimitId());
            budgets(limits, budgets, new Owner(Owner.Kind.VIRTUAL_KEY, k.id()), owner);
            Team team = k.teamId() == null ? null : config.teams().get(k.teamId());
            String customerId = team != null ? team.customerId() : k.customerId();
            if (team != null) {
                rateLimit(limits, "team:" + team.id(), "team " + team.name(), team.rateLimitId());
                budgets(limits, budgets, new Owner(Owner.Kind.TEAM, team.id()), "team " + team.name());
            }
            Customer customer = customerId == null ? null : config.customers().get(customerId);
            if (customer != null) {
                rateLimit(limits, "customer:" + customer.id(), "customer " + customer.name(), customer.rateLimitId());
                budgets(limits, budgets, new Owner(Owner.Kind.CUSTOMER, customer.id()), "customer " + customer.name());
            }
            Map<String, ProviderAccess> access = new LinkedHashMap<>();
            Map<String, List<Limit>> byProvider = new HashMap<>();
            for (ProviderAccess a : k.providerConfigs()) {
                access.put(a.provider(), a);
                List<Limit> own = new ArrayList<>();
                String where = owner + " on " + a.provider();
                rateLimit(own, "vk:" + k.id() + ":" + a.provider(), where, a.rateLimitId());
                if (a.id() != null) {
                    budgets(own, budgets, new Owner(Owner.Kind.PROVIDER_CONFIG, a.id()), where);
                }
                if (!own.isEmpty()) {
                    byProvider.put(a.provider(), own);
                }
            }
            KeyPolicy policy = new KeyPolicy(k, access, limits, byProvider);
            byId.put(k.id(), policy);
            if (k.valueHash() != null) {
                byHash.put(k.valueHash(), policy);
            }
        }
    }

    private void rateLimit(List<Limit> limits, String counterPrefix, String owner, String rateLimitId) {
        RateLimit rl = rateLimitId == null ? null : config.rateLimits().get(rateLimitId);
        if (rl == null) {
            return;
        }
        if (rl.requestMax() != null) {
            limits.add(new Limit(counterPrefix + ":rl:" + rl.id() + ":requests", Limit.Kind.REQUESTS, rl.requestMax(),
                    rl.requestReset(), owner, rl.id()));
        }
        if (rl.tokenMax() != null) {
            limits.add(new Limit(counterPrefix + ":rl:" + rl.id() + ":tokens", Limit.Kind.TOKENS, rl.tokenMax(),
                    rl.tokenReset(), owner, rl.id()));
        }
    }

    private static void budgets(List<Limit> limits, Map<Owner, List<Budget>> budgets, Owner owner, String label) {
        for (Budget b : budgets.getOrDefault(owner, List.of())) {
            limits.add(budget(b, label));
        }
    }

    /** A budget's one counter, shared by every key under its owner. */
    public static Limit budget(Budget b, String ownerLabel) {
        return new Limit("budget:" + b.id(), Limit.Kind.BUDGET, Limit.nanoUsd(b.maxLimitUsd()), b.reset(), ownerLabel, b.id());
    }

    /** Whether any virtual key is configured or one is required: when neither, admission is skipped entirely. */
    public boolean active() {
        return config.enforceAuth() || !byId.isEmpty();
    }

    public boolean enforceAuth() {
        return config.enforceAuth();
    }

    /** The key whose value is {@code presented}, or null. */
    public KeyPolicy find(String presented) {
        return byHash.get(ConfigJson.sha256(presented));
    }

    public Collection<KeyPolicy> all() {
        return byId.values();
    }

    public GovernanceConfig config() {
        return config;
    }
}
