package dev.heimdall.routing;

import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The resolver for the configuration in force. A reload builds a new resolver and swaps the reference,
 * so a request in flight keeps the resolver it started with.
 */
@ApplicationScoped
public class RoutingTable {

    private volatile ModelResolver resolver = new ModelResolver(GatewayConfig.empty());

    void onConfig(@Observes ConfigSnapshot snapshot) {
        resolver = new ModelResolver(snapshot.config());
    }

    public ModelResolver resolver() {
        return resolver;
    }
}
