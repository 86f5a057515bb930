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
public record KeyPolicy(VirtualKey key, Map<String, ProviderAccess> access, List<Limit> limits, Map<String, List<Limit>> byProvider) {

    public KeyPolicy {
        access = Map.copyOf(access);
        limits = List.copyOf(limits);
        byProvider = Map.copyOf(byProvider);
    }

    /** Every limit on a request this key sends to {@code provider}. */
    public List<Limit> limitsFor(String provider) {
        List<Limit> extra = byProvider.get(provider);
        if (extra == null) {
            return limits;
        }
        List<Limit> all = new java.util.ArrayList<>(limits.size() + extra.size());
        all.addAll(limits);
        all.addAll(extra);
        return all;
    }
}
