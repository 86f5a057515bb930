package dev.heimdall.routing;

import dev.heimdall.config.ProviderConfig;

/** A provider and the public model name asked of it (before any key alias maps it to the upstream name). */
public record Target(ProviderConfig provider, String model) {

    public String id() {
        return provider.name() + "/" + model;
    }
}
