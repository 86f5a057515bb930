package dev.heimdall.telemetry;

import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Observes each inference request: {@link #begin} when it arrives, {@link #attemptStarted} and
 * {@link #attemptEnded} around every upstream call, {@link #finish} once the client has its answer.
 * Spans are opened live only when tracing is on (their ids must be known to propagate {@code traceparent});
 * attributes, metrics and the request-log row are all produced in {@code finish}, off the request's path.
 */
@Singleton
public class Telemetry {

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

    public CallRecord begin(HttpServerRequest request, String operation) {
        String traceparent = request.getHeader("traceparent");
        if (traceparent != null && !TRACEPARENT.matcher(traceparent).matches()) {
            traceparent = null;
        }
        ConfigSnapshot snapshot = configs.current();
        boolean content = tracing.tracer() != null && snapshot != null && !snapshot.config().client().disableContentLogging();
        return new CallRecord(operation, traceparent, firstHeader(request, "x-langfuse-session-id", "x-session-id"),
                firstHeader(request, "x-langfuse-user-id", "x-user-id"), content);
    }

    /** Records an upstream call; returns the {@code traceparent} to send upstream, or null for none. */
    public String attemptStarted(CallRecord call, String provider, String model, String key, String host, int port) {
        CallRecord.Attempt attempt = new CallRecord.Attempt(provider, model, key, host, port, System.nanoTime());
        call.attempts.add(attempt);
        Tracer tracer = tracing.tracer();
        if (tracer == null) {
            return call.traceparent; // not tracing: the client's trace still reaches the upstream
        }
        if (call.requestSpan == null) {
            call.requestSpan = tracer.spanBuilder(call.operation + " " + model)
                    .setSpanKind(SpanKind.CLIENT)
                    .setParent(parent(call.traceparent))
                    .setStartTimestamp(call.startEpochMillis, TimeUnit.MILLISECONDS)
                    .startSpan();
        }
        attempt.span = tracer.spanBuilder(call.operation + " " + model)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(Context.root().with(call.requestSpan))
                .startSpan();
        SpanContext c = attempt.span.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    public void attemptEnded(CallRecord call, int status, String outcome) {
        CallRecord.Attempt attempt = call.lastAttempt();
        if (attempt != null && attempt.endNanos == 0) {
            attempt.endNanos = System.nanoTime();
            attempt.status = status;
            attempt.outcome = outcome;
        }
    }

    /** An upstream answer is being relayed; streams count as in flight until {@link #finish}. */
    public void relayStarted(CallRecord call) {
        if (call.stream) {
            call.streamCounted = true;
            metrics.streamStarted();
        }
    }

    /** The client has its answer (or is gone): spans, metrics and the request log, in that order. */
    public void finish(CallRecord call) {
        if (call.streamCounted) {
            call.streamCounted = false;
            metrics.streamEnded();
        }
        if (call.endNanos == 0) {
            call.finished(call.status, call.errorType);
        }
        CallRecord.Attempt last = call.lastAttempt();
        if (last != null && last.endNanos == 0) {
            last.endNanos = call.endNanos;
            last.status = call.status;
        }
        ResponseSummary summary = ResponseSummary.of(call.response(), call.eventStream, !call.truncated());
        if (call.requestSpan != null) {
            GenAiSpans.end(call, summary);
        }
        metrics.record(call, summary);
        log.add(call, summary);
    }

    private static Context parent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        String[] p = traceparent.split("-");
        SpanContext remote = SpanContext.createFromRemoteParent(p[1], p[2], TraceFlags.fromHex(p[3], 0), TraceState.getDefault());
        return remote.isValid() ? Context.root().with(Span.wrap(remote)) : Context.root();
    }

    private static String firstHeader(HttpServerRequest request, String a, String b) {
        String v = request.getHeader(a);
        return v != null ? v : request.getHeader(b);
    }

    static void fail(Span span, String errorType) {
        span.setAttribute("error.type", errorType);
        span.setStatus(StatusCode.ERROR, errorType);
    }
}
