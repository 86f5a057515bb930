package dev.heimdall.store;

/**
 * One request-log row. Nullable fields are boxed; nothing here is content, and a virtual key is named, never shown.
 * {@code traceId} is the trace its span was exported in (null when tracing is off or no upstream was called).
 */
public record LogEntry(long id, long timestampMillis, String operation, String requestedModel, String provider, String model,
        String keyName, int status, String errorType, boolean stream, int attempts, double latencyMillis,
        double overheadMillis, Double ttftMillis, Long inputTokens, Long outputTokens, Double costUsd, String virtualKey,
        String traceId) {

    public LogEntry withId(long newId) {
        return new LogEntry(newId, timestampMillis, operation, requestedModel, provider, model, keyName, status, errorType, stream,
                attempts, latencyMillis, overheadMillis, ttftMillis, inputTokens, outputTokens, costUsd, virtualKey, traceId);
    }
}
