package dev.heimdall.exchange;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids of an exchange's trace, chosen when it arrives: the trace (the client's, or a new one), the
 * client's span as parent, and the exchange's own span. Ids are plain random numbers, as the SDK's
 * generator makes them; the spans themselves are built only after the answer, off the event loop.
 */
public record TraceContext(String traceId, String parentSpanId, long spanId, String flags) {

    /** A non-zero random span id. */
    public static long newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** A new random trace id: 32 hex digits, not all zero. */
    public static String newTraceId() {
        return hex(newSpanId()) + hex(newSpanId());
    }

    /** A span id as traceparent and OTLP write it: 16 lowercase hex digits. */
    public static String hex(long spanId) {
        return HexFormat.of().toHexDigits(spanId);
    }

    /** The traceparent an upstream call under span {@code spanId} carries. */
    public String traceparent(long spanId) {
        return "00-" + traceId + "-" + hex(spanId) + "-" + flags;
    }

    public boolean sampled() {
        return "01".equals(flags);
    }
}
