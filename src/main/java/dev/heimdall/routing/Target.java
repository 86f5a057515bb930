package dev.heimdall.routing;

import dev.heimdall.config.ModelFilter;
import dev.heimdall.config.ProviderConfig;

/**
 * A provider and the public model name asked of it (before any key alias maps it to the upstream name), and
 * which of the provider's keys may serve it (a virtual key may allow only some; {@link ModelFilter#ALL}
 * otherwise).
 */
public record Target(ProviderConfig provider, String model, ModelFilter keys) {

    public Target(ProviderConfig provider, String model) {
        this(provider, model, ModelFilter.ALL);
    }

    public Target withKeys(ModelFilter keys) {
        return new Target(provider, model, keys);
    }

    public String id() {
        return provider.name() + "/" + model;
    }
}
