package dev.heimdall.routing;

import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewayConfig;
import dev.heimdall.provider.DiscoveredModels;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

/**
 * The resolver for the configuration in force and the models upstreams reported. Either changing builds
 * a new resolver and swaps the reference, so a request in flight keeps the resolver it started with.
 */
@Singleton
public class RoutingTable {

    private GatewayConfig config = GatewayConfig.empty();
    private DiscoveredModels discovered = DiscoveredModels.NONE;
    private volatile ModelResolver resolver = new ModelResolver(config, discovered);

    synchronized void onConfig(@Observes ConfigSnapshot snapshot) {
        config = snapshot.config();
        resolver = new ModelResolver(config, discovered);
    }

    synchronized void onDiscovery(@Observes DiscoveredModels models) {
        discovered = models;
        resolver = new ModelResolver(config, discovered);
    }

    public ModelResolver resolver() {
        return resolver;
    }
}
