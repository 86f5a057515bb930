package dev.heimdall.config;

import dev.heimdall.store.Stores;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a valid configuration is in force and the pod's own SQLite file answers a query. A shared
 * PostgreSQL is not asked: the configuration in force is in memory and inference needs no database, so a
 * database failover must not take every replica out of the Service at once (the management API's writes
 * fail meanwhile, with the reason).
 */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements AsyncHealthCheck {

    private final ConfigService configs;
    private final Stores stores;

    public ConfigReadiness(ConfigService configs, Stores stores) {
        this.configs = configs;
        this.stores = stores;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        // SQLite calls block: run them off the event loop.
        return Uni.createFrom().item(this::check).runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    }

    private HealthCheckResponse check() {
        ConfigSnapshot snapshot = configs.current();
        var builder = HealthCheckResponse.named("heimdall-config");
        if (snapshot == null) {
            return builder.down().withData("reason", "no configuration loaded yet").build();
        }
        boolean sqlite = stores.local().ping();
        return builder.status(sqlite)
                .withData("config_hash", snapshot.configHash())
                .withData("providers", snapshot.config().providers().size())
                .withData("sqlite", sqlite ? "ok" : "not answering")
                .withData("config_store", configs.storeName())
                .build();
    }
}
