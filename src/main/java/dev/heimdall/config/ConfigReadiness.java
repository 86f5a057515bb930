package dev.heimdall.config;

import dev.heimdall.store.ConfigStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a valid configuration is in force and SQLite answers a query. */
@Readiness
@ApplicationScoped
public class ConfigReadiness implements AsyncHealthCheck {

    private final ConfigService configs;
    private final ConfigStore store;

    public ConfigReadiness(ConfigService configs, ConfigStore store) {
        this.configs = configs;
        this.store = store;
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
        boolean sqlite = store.ping();
        return builder.status(sqlite)
                .withData("config_hash", snapshot.configHash())
                .withData("providers", snapshot.config().providers().size())
                .withData("sqlite", sqlite ? "ok" : "not answering")
                .build();
    }
}
