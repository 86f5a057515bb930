package dev.heimdall.api;

import dev.heimdall.provider.OpenAiError;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses new API requests once shutdown is under way, so a terminating pod only finishes what it has.
 * Quarkus turns readiness DOWN at SIGTERM and waits {@code quarkus.shutdown.delay} for the load balancer
 * to notice; from then on new /v1 requests get a 503 (clients retry on another pod) while requests and
 * streams already in flight run to their end under {@code quarkus.shutdown.timeout}.
 */
@Singleton
public class DrainGuard {

    private final Vertx vertx;
    private final Duration delay;
    private volatile boolean draining;

    public DrainGuard(Vertx vertx, @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
        this.vertx = vertx;
        this.delay = delay.orElse(Duration.ZERO);
    }

    void onDelayStarted(@Observes ShutdownDelayInitiatedEvent event) {
        if (delay.isZero()) {
            draining = true;
        } else {
            vertx.setTimer(delay.toMillis(), id -> draining = true);
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        draining = true;
    }

    void handle(RoutingContext ctx) {
        if (!draining) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("Retry-After", "1");
        Responses.errorAndClose(ctx, new OpenAiError(503, "server_error", "shutting_down", null,
                "This Heimdall instance is shutting down; retry the request."));
    }
}
