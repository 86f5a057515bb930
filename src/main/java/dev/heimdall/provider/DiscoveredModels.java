package dev.heimdall.provider;

import java.util.List;
import java.util.Map;

/**
 * Models that upstreams reported on {@code GET /models}, by provider, for providers with a key that
 * serves any model ({@code models} missing or {@code ["*"]}). Fired as a CDI event when it changes.
 */
public record DiscoveredModels(Map<String, List<String>> byProvider) {

    public static final DiscoveredModels NONE = new DiscoveredModels(Map.of());

    public DiscoveredModels {
        byProvider = Map.copyOf(byProvider);
    }
}
