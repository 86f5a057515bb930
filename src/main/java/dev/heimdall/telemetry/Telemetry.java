package dev.heimdall.telemetry;

import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.ExchangeListener;
import dev.heimdall.exchange.TraceContext;
import jakarta.inject.Singleton;
import java.util.regex.Pattern;

/**
 * Observes every exchange. When it arrives: its trace ids (continuing the client's traceparent) and
 * whether its content is captured. When it completes: its metrics and request-log row (cheap, on the
 * event loop) and, when tracing, a reference queued for the telemetry thread, which builds the spans.
 * Runs after listeners that add to the exchange, so what they add is reported.
 */
@Singleton
public class Telemetry implements ExchangeListener {

    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final Tracing tracing;
    private final GatewayMetrics metrics;
    private final RequestLog log;
    private final ConfigService configs;

    public Telemetry(Tracing tracing, GatewayMetrics metrics, RequestLog log, ConfigService configs) {
        this.tracing = tracing;
        this.metrics = metrics;
        this.log = log;
        this.configs = configs;
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public void started(Exchange ex) {
        String traceparent = ex.header("traceparent");
        if (traceparent != null && (!TRACEPARENT.matcher(traceparent).matches() || traceparent.startsWith("00000000000000000000000000000000", 3)
                || traceparent.startsWith("0000000000000000", 36))) {
            traceparent = null; // W3C: all-zero ids are invalid; the request starts a trace of its own
        }
        if (!tracing.on()) {
            ex.clientTraceparent(traceparent); // not tracing: the client's trace still reaches the upstream
            return;
        }
        TraceContext trace = traceparent == null
                ? new TraceContext(TraceContext.newTraceId(), null, TraceContext.newSpanId(), "01")
                : new TraceContext(traceparent.substring(3, 35), traceparent.substring(36, 52), TraceContext.newSpanId(),
                        traceparent.substring(53, 55));
        ConfigSnapshot snapshot = configs.current();
        boolean content = snapshot != null && !snapshot.config().client().disableContentLogging();
        ex.trace(trace, firstHeader(ex, "x-langfuse-session-id", "x-session-id"), firstHeader(ex, "x-langfuse-user-id", "x-user-id"),
                content);
    }

    @Override
    public void completed(Exchange ex) {
        metrics.record(ex);
        boolean traced = ex.trace() != null && ex.trace().sampled() && !ex.attempts().isEmpty();
        log.add(ex, traced ? ex.trace().traceId() : null);
        if (traced) {
            tracing.submit(ex);
        }
    }

    private static String firstHeader(Exchange ex, String a, String b) {
        String v = ex.header(a);
        return v != null ? v : ex.header(b);
    }
}
