package dev.heimdall.api;

import dev.heimdall.config.GatewaySettings;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.telemetry.GatewayMetrics;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the inference requests in flight. Past the bound a request gets 429 with Retry-After at once
 * instead of joining an unbounded queue: under overload the gateway stays responsive and memory stays
 * flat, and clients back off as they do for any provider's rate limit.
 */
@Singleton
public class InFlightLimit {

    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public InFlightLimit(GatewaySettings settings, GatewayMetrics metrics) {
        this.max = settings.maxInFlight();
        metrics.inFlightGauge(inFlight::get);
    }

    /** Admits the request (released when its response ends or its connection closes) or answers 429. */
    boolean admit(RoutingContext ctx) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            ctx.response().putHeader("Retry-After", "1");
            Responses.error(ctx, OpenAiError.invalidRequest(429, "gateway_overloaded", null,
                    "Heimdall has " + max + " requests in flight (heimdall.max-in-flight); retry shortly."));
            return false;
        }
        ctx.addEndHandler(v -> inFlight.decrementAndGet());
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
