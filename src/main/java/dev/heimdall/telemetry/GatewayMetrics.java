package dev.heimdall.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Prometheus metrics (at /metrics), named after the OpenTelemetry GenAI metrics where those exist. Meters
 * are looked up once per label set and cached, so recording a request costs a map lookup and a few
 * histogram updates. Labels never carry a key value; a model label is one of at most 500 names.
 */
@Singleton
public class GatewayMetrics {

    private static final int MAX_MODELS = 500;

    private record Labels(String operation, String provider, String model, int status) {
    }

    private record PerCall(Counter requests, Timer duration) {
        void record(CallRecord call) {
            requests.increment();
            duration.record(call.endNanos - call.startNanos, TimeUnit.NANOSECONDS);
        }
    }

    private record PerModel(Timer ttft, Timer perToken, DistributionSummary inputTokens, DistributionSummary outputTokens) {
    }

    private final MeterRegistry registry;
    private final Map<Labels, PerCall> perCall = new ConcurrentHashMap<>();
    private final Map<String, PerModel> perModel = new ConcurrentHashMap<>();
    private final Map<String, Timer> upstream = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final Timer overhead;
    private final AtomicInteger streamsInFlight = new AtomicInteger();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.overhead = Timer.builder("heimdall.gateway.overhead")
                .description("Time a request spends in Heimdall itself: total time minus time waiting on upstreams")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        Gauge.builder("heimdall.streams.in_flight", streamsInFlight, AtomicInteger::get)
                .description("SSE streams being relayed").register(registry);
    }

    /** Registers the requests-in-flight gauge from whoever counts them. */
    public void inFlightGauge(Supplier<Number> inFlight) {
        Gauge.builder("heimdall.requests.in_flight", inFlight).description("Inference requests in flight").register(registry);
    }

    void streamStarted() {
        streamsInFlight.incrementAndGet();
    }

    void streamEnded() {
        streamsInFlight.decrementAndGet();
    }

    public void keyCooledDown(String provider, String key) {
        counter("heimdall.key.cooldowns", "Times a key was put into cool-down", "gen_ai.provider.name", provider, "heimdall.key.name", key)
                .increment();
    }

    void record(CallRecord call, ResponseSummary summary) {
        CallRecord.Attempt last = call.lastAttempt();
        String provider = last == null ? "none" : last.provider;
        String model = last == null ? "none" : modelLabel(last.model);
        perCall.computeIfAbsent(new Labels(call.operation, provider, model, call.status), this::perCall).record(call);
        overhead.record(overheadNanos(call), TimeUnit.NANOSECONDS);
        String previousProvider = null;
        for (CallRecord.Attempt a : call.attempts) {
            long took = (a.endNanos == 0 ? call.endNanos : a.endNanos) - a.startNanos;
            upstream.computeIfAbsent(a.provider, p -> Timer.builder("heimdall.upstream.duration")
                    .description("Upstream call time, from sending the request to the end of the answer")
                    .tag("gen_ai.provider.name", p).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10)).register(registry))
                    .record(took, TimeUnit.NANOSECONDS);
            if (previousProvider != null) {
                boolean sameProvider = previousProvider.equals(a.provider);
                counter(sameProvider ? "heimdall.retries" : "heimdall.fallbacks",
                        sameProvider ? "Retries of an upstream call" : "Moves to a fallback target", "gen_ai.provider.name", a.provider)
                        .increment();
            }
            previousProvider = a.provider;
        }
        if (last == null || call.status >= 400) {
            return;
        }
        PerModel m = perModel.computeIfAbsent(provider + "\u0000" + model, k -> perModel(call.operation, provider, model));
        if (summary.inputTokens() != null) {
            m.inputTokens().record(summary.inputTokens());
        }
        if (summary.outputTokens() != null) {
            m.outputTokens().record(summary.outputTokens());
        }
        if (call.stream && call.firstByteNanos > 0) {
            m.ttft().record(call.firstByteNanos - call.startNanos, TimeUnit.NANOSECONDS);
            long tokens = summary.outputTokens() != null ? summary.outputTokens() : summary.events() - 1;
            if (tokens > 1 && call.lastByteNanos > call.firstByteNanos) {
                m.perToken().record((call.lastByteNanos - call.firstByteNanos) / (tokens - 1), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Total time minus the time spent waiting on upstreams: from each request being on the wire to the end
     * of its answer (attempts never overlap). Relaying a stream's chunks happens inside that wait and is
     * not counted; everything else the gateway does is.
     */
    static long overheadNanos(CallRecord call) {
        long waiting = 0;
        for (CallRecord.Attempt a : call.attempts) {
            if (a.writtenNanos > 0) {
                waiting += (a.endNanos == 0 ? call.endNanos : a.endNanos) - a.writtenNanos;
            }
        }
        return Math.max(0, call.endNanos - call.startNanos - waiting);
    }

    private String modelLabel(String model) {
        if (models.contains(model)) {
            return model;
        }
        if (models.size() < MAX_MODELS) {
            models.add(model);
            return model;
        }
        return "other";
    }

    private PerCall perCall(Labels l) {
        String status = String.valueOf(l.status());
        return new PerCall(
                Counter.builder("heimdall.requests").description("Inference requests by provider, model and status")
                        .tags("gen_ai.operation.name", l.operation(), "gen_ai.provider.name", l.provider(), "gen_ai.request.model", l.model(),
                                "http.response.status_code", status)
                        .register(registry),
                Timer.builder("gen_ai.client.operation.duration").description("GenAI operation duration as the client saw it")
                        .tags("gen_ai.operation.name", l.operation(), "gen_ai.provider.name", l.provider(), "gen_ai.request.model", l.model(),
                                "http.response.status_code", status)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                        .register(registry));
    }

    private PerModel perModel(String operation, String provider, String model) {
        String[] tags = {"gen_ai.operation.name", operation, "gen_ai.provider.name", provider, "gen_ai.request.model", model};
        return new PerModel(
                Timer.builder("gen_ai.server.time_to_first_token").description("Time to the first chunk of a stream").tags(tags)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry),
                Timer.builder("gen_ai.server.time_per_output_token").description("Time between tokens of a stream (inter-token latency)")
                        .tags(tags).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry),
                DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens per request").tags(tags)
                        .tag("gen_ai.token.type", "input").publishPercentileHistogram().register(registry),
                DistributionSummary.builder("gen_ai.client.token.usage").description("Tokens per request").tags(tags)
                        .tag("gen_ai.token.type", "output").publishPercentileHistogram().register(registry));
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
