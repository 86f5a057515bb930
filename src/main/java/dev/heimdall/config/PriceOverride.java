package dev.heimdall.config;

import java.util.Set;

/**
 * One entry of Bifrost's {@code governance.pricing_overrides}, for the scopes Heimdall applies: {@code global}
 * ({@code provider} null) and {@code provider}. {@code pattern} is a model name, or a prefix when
 * {@code wildcard} (Bifrost writes {@code gpt-4*}; the {@code *} is dropped here). Prices are USD per token;
 * a null price leaves the catalog's (or 0 for a model the catalog does not know). {@code operations} are
 * Heimdall's operation names ({@code chat}, {@code text_completion}, {@code embeddings}) the override covers.
 */
public record PriceOverride(String id, String provider, boolean wildcard, String pattern, Set<String> operations,
        Double inputPerToken, Double outputPerToken, Double cacheReadPerToken, Double cacheWritePerToken) {

    public PriceOverride {
        operations = Set.copyOf(operations);
    }

    public boolean matches(String provider, String model, String operation) {
        return (this.provider == null || this.provider.equals(provider)) && operations.contains(operation)
                && (wildcard ? model.startsWith(pattern) : model.equals(pattern));
    }
}
