package dev.heimdall.api;

import dev.heimdall.config.GatewaySettings;
import dev.heimdall.provider.OpenAiError;
import dev.heimdall.telemetry.GatewayMetrics;
import dev.heimdall.exchange.Exchange;
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
    private final AtomicInteger streams = new AtomicInteger();

    public InFlightLimit(GatewaySettings settings, GatewayMetrics metrics) {
        this.max = settings.maxInFlight();
        metrics.inFlightGauge(inFlight::get);
        metrics.streamsGauge(streams::get);
    }

    /** Admits the exchange (its slot is released when it completes) or returns false when the gateway is full. */
    boolean admit(Exchange exchange) {
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            return false;
        }
        exchange.onComplete(inFlight::decrementAndGet);
        return true;
    }

    /** Counts a stream being relayed until its exchange completes. */
    void streamStarted(Exchange exchange) {
        streams.incrementAndGet();
        exchange.onComplete(streams::decrementAndGet);
    }

    /** The error for a request beyond the bound. */
    OpenAiError overloaded() {
        return OpenAiError.invalidRequest(429, "gateway_overloaded", null,
                "Heimdall has " + max + " requests in flight (heimdall.max-in-flight); retry shortly.");
    }

    public int inFlight() {
        return inFlight.get();
    }
}
