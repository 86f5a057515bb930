package dev.heimdall.telemetry;

/**
 * A finished span, built once and whole on the telemetry thread after the exchange completed: its ids were
 * chosen when the request arrived ({@link dev.heimdall.exchange.TraceContext}), everything else is known
 * only at the end, so there is no live span. Every span Heimdall makes is a CLIENT span (a call to a model).
 *
 * @param traceId 32 lowercase hex digits
 * @param parentSpanId the parent's 16 hex digits, or null for a root
 * @param parentRemote whether the parent is the client's span (from its traceparent) rather than our own
 * @param errorType the error status's description, or null for an unset status
 */
record ExchangeSpan(String name, String traceId, long spanId, String parentSpanId, boolean parentRemote, String errorType,
        long startEpochNanos, long endEpochNanos, SpanAttributes attributes) {
}
