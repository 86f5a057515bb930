package dev.heimdall.governance;

import dev.heimdall.config.GovernanceConfig.ProviderAccess;
import dev.heimdall.config.GovernanceConfig.VirtualKey;
import java.util.List;
import java.util.Map;

/**
 * A virtual key with everything admission needs, resolved once per configuration: the providers it may use
 * ({@code access}, by provider name), the limits that apply whatever it calls (its own, its team's, its
 * customer's), and those that apply only when a given provider serves it (the provider config's).
 */
public record KeyPolicy(VirtualKey key, Map<String, ProviderAccess> access, List<Limit> limits, Map<String, List<Limit>> byProvider,
        Map<String, List<Limit>> allByProvider) {

    public KeyPolicy(VirtualKey key, Map<String, ProviderAccess> access, List<Limit> limits, Map<String, List<Limit>> byProvider) {
        this(key, access, limits, byProvider, combined(limits, byProvider));
    }

    public KeyPolicy {
        access = Map.copyOf(access);
        limits = List.copyOf(limits);
        byProvider = Map.copyOf(byProvider);
        allByProvider = Map.copyOf(allByProvider);
    }

    /** Every limit on a request this key sends to {@code provider} (combined once per configuration, not per request). */
    public List<Limit> limitsFor(String provider) {
        return allByProvider.getOrDefault(provider, limits);
    }

    private static Map<String, List<Limit>> combined(List<Limit> limits, Map<String, List<Limit>> byProvider) {
        Map<String, List<Limit>> all = new java.util.HashMap<>();
        byProvider.forEach((provider, extra) -> {
            List<Limit> both = new java.util.ArrayList<>(limits);
            both.addAll(extra);
            all.put(provider, List.copyOf(both));
        });
        return all;
    }
}
