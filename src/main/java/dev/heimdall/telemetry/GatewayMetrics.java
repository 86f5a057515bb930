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
import dev.heimdall.exchange.AttemptRecord;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.Usage;
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
        void record(Exchange ex) {
            requests.increment();
            duration.record(ex.endNanos() - ex.startNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private record PerModel(Timer ttft, Timer perToken, DistributionSummary inputTokens, DistributionSummary outputTokens, Counter costUsd) {
    }

    private final MeterRegistry registry;
    private final Map<Labels, PerCall> perCall = new ConcurrentHashMap<>();
    private final Map<String, PerModel> perModel = new ConcurrentHashMap<>();
    private final Map<String, Timer> upstream = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final Timer overhead;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.overhead = Timer.builder("heimdall.gateway.overhead")
                .description("Time a request spends in Heimdall itself: total time minus time waiting on upstreams")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    /** Registers the requests-in-flight gauge from whoever counts them. */
    public void inFlightGauge(Supplier<Number> inFlight) {
        Gauge.builder("heimdall.requests.in_flight", inFlight).description("Inference requests in flight").register(registry);
    }

    /** Registers the streams-in-flight gauge from whoever counts them. */
    public void streamsGauge(Supplier<Number> streams) {
        Gauge.builder("heimdall.streams.in_flight", streams).description("SSE streams being relayed").register(registry);
    }

    public void keyCooledDown(String provider, String key) {
        counter("heimdall.key.cooldowns", "Times a key was put into cool-down", "gen_ai.provider.name", provider, "heimdall.key.name", key)
                .increment();
    }

    /** A completed exchange: cheap enough for the event loop (cached meters, a few histogram updates). */
    void record(Exchange ex) {
        AttemptRecord last = ex.lastAttempt();
        String provider = last == null ? "none" : last.provider();
        String model = last == null ? "none" : modelLabel(last.model());
        perCall.computeIfAbsent(new Labels(ex.operation(), provider, model, ex.status()), this::perCall).record(ex);
        overhead.record(ex.overheadNanos(), TimeUnit.NANOSECONDS);
        String previousProvider = null;
        for (AttemptRecord a : ex.attempts()) {
            long took = (a.endNanos() == 0 ? ex.endNanos() : a.endNanos()) - a.startNanos();
            upstream.computeIfAbsent(a.provider(), p -> Timer.builder("heimdall.upstream.duration")
                    .description("Upstream call time, from sending the request to the end of the answer")
                    .tag("gen_ai.provider.name", p).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10)).register(registry))
                    .record(took, TimeUnit.NANOSECONDS);
            if (previousProvider != null) {
                boolean sameProvider = previousProvider.equals(a.provider());
                counter(sameProvider ? "heimdall.retries" : "heimdall.fallbacks",
                        sameProvider ? "Retries of an upstream call" : "Moves to a fallback target", "gen_ai.provider.name", a.provider())
                        .increment();
            }
            previousProvider = a.provider();
        }
        if (last == null || ex.status() >= 400) {
            return;
        }
        PerModel m = perModel.computeIfAbsent(provider + "\u0000" + model, k -> perModel(ex.operation(), provider, model));
        Usage usage = ex.usage();
        if (usage.inputTokens() != null) {
            m.inputTokens().record(usage.inputTokens());
        }
        if (usage.outputTokens() != null) {
            m.outputTokens().record(usage.outputTokens());
        }
        if (ex.costNanoUsd() != null) {
            m.costUsd().increment(ex.costNanoUsd() / 1e9);
        }
        if (ex.stream() && ex.firstByteNanos() > 0) {
            m.ttft().record(ex.firstByteNanos() - ex.startNanos(), TimeUnit.NANOSECONDS);
            long tokens = usage.outputTokens() != null ? usage.outputTokens() : ex.events() - 1;
            if (tokens > 1 && ex.lastByteNanos() > ex.firstByteNanos()) {
                m.perToken().record((ex.lastByteNanos() - ex.firstByteNanos()) / (tokens - 1), TimeUnit.NANOSECONDS);
            }
        }
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
                        .tag("gen_ai.token.type", "output").publishPercentileHistogram().register(registry),
                // Labels are the configured provider and model only, so the series stay bounded.
                Counter.builder("heimdall.cost.usd").description("Cost of answered requests in USD, from usage and the price table")
                        .tags(tags).register(registry));
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
