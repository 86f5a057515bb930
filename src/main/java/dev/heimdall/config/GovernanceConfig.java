package dev.heimdall.config;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bifrost's {@code governance} section, validated and with every reference resolved: each id named by
 * another entity exists, and each budget knows its one owner. Maps are keyed by id, in file order.
 * {@code priceOverrides} are Bifrost's {@code pricing_overrides} Heimdall applies, in file order.
 * {@code adminAuth} is null when {@code /api/*} has no credentials; {@code enforceAuth} says whether an
 * inference request without a valid virtual key is refused.
 */
public record GovernanceConfig(
        Map<String, VirtualKey> virtualKeys,
        Map<String, Budget> budgets,
        Map<String, RateLimit> rateLimits,
        Map<String, Team> teams,
        Map<String, Customer> customers,
        List<PriceOverride> priceOverrides,
        AdminAuth adminAuth,
        boolean enforceAuth) {

    public static final GovernanceConfig NONE = new GovernanceConfig(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null,
            false);

    public GovernanceConfig {
        virtualKeys = copy(virtualKeys);
        budgets = copy(budgets);
        rateLimits = copy(rateLimits);
        teams = copy(teams);
        customers = copy(customers);
        priceOverrides = List.copyOf(priceOverrides);
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * A client credential. {@code valueHash} is the hex SHA-256 of its value (what admission looks keys up by;
     * null when the key has no value); {@code value} is only what may be shown ({@code env.NAME} or redacted).
     * {@code providerConfigs} decides which providers, models and keys it may use.
     */
    public record VirtualKey(String id, String name, Secret value, String valueHash, String description, boolean active,
            Instant expiresAt, String teamId, String customerId, String rateLimitId, List<ProviderAccess> providerConfigs) {

        public VirtualKey {
            providerConfigs = List.copyOf(providerConfigs);
        }
    }

    /**
     * One entry of a virtual key's {@code provider_configs}: the provider, the models (by the name the client
     * asks for) and provider keys (by name) allowed, the routing weight, and its own rate limit. {@code id} is
     * what budgets name in {@code provider_config_id}; null when the file gives none.
     */
    public record ProviderAccess(String id, String provider, double weight, ModelFilter allowedModels, ModelFilter keyIds,
            String rateLimitId) {
    }

    /** A spending cap in USD per window, owned by one key, team, customer or provider config. */
    public record Budget(String id, double maxLimitUsd, ResetWindow reset, Owner owner) {
    }

    /** What a budget applies to. */
    public record Owner(Kind kind, String id) {

        public enum Kind { VIRTUAL_KEY, TEAM, CUSTOMER, PROVIDER_CONFIG }
    }

    /** Requests and/or tokens (input + output) per window; a null maximum is no limit on that count. */
    public record RateLimit(String id, Long requestMax, ResetWindow requestReset, Long tokenMax, ResetWindow tokenReset) {
    }

    public record Team(String id, String name, String customerId, String rateLimitId) {
    }

    public record Customer(String id, String name, String rateLimitId) {
    }

    /** Credentials for {@code /api/*}. Both may come from {@code env.NAME}. */
    public record AdminAuth(Secret username, Secret password) {
    }
}
