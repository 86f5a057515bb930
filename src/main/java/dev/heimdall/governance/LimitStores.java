package dev.heimdall.governance;

import dev.heimdall.config.GatewaySettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chooses where governance counts: in Redis when {@code quarkus.redis.hosts} is set (every replica shares
 * the counters), in this process's memory otherwise (persisted to SQLite).
 */
@ApplicationScoped
public class LimitStores {

    private static final Logger LOG = Logger.getLogger(LimitStores.class);

    @Produces
    @Singleton
    LimitStore limitStore(MemoryLimitStore memory, Instance<RedisAPI> redis, Vertx vertx, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> hosts, GatewaySettings settings) {
        Duration timeout = settings.governance().redisTimeout();
        RedisLimitStore.Unavailable whenDown = switch (settings.governance().redisUnavailable().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "local" -> RedisLimitStore.Unavailable.LOCAL;
            case "refuse" -> RedisLimitStore.Unavailable.REFUSE;
            default -> throw new IllegalArgumentException("heimdall.governance.redis-unavailable must be local or refuse, not "
                    + settings.governance().redisUnavailable());
        };
        if (hosts.isEmpty() || hosts.get().isBlank()) {
            LOG.info("Governance counters: in memory, persisted to SQLite (set quarkus.redis.hosts to share them across replicas)");
            return memory;
        }
        RedisLimitStore store = new RedisLimitStore(redis.get(), memory, whenDown, vertx, timeout, settings.governance().reservationTtl());
        FunctionCounter.builder("heimdall.governance.redis.fallbacks", store, RedisLimitStore::fallbacks)
                .description("Admissions decided in this pod's memory because Redis did not answer").register(registry);
        LOG.infof("Governance counters: in Redis, shared by every replica; when Redis does not answer within %d ms: %s",
                timeout.toMillis(), whenDown == RedisLimitStore.Unavailable.LOCAL ? "count in this pod's memory" : "refuse (503)");
        return store;
    }
}
