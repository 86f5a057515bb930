package dev.heimdall.telemetry;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one inference request, stamped as it goes (start, each attempt, first and last byte,
 * the response bytes needed for usage) and turned into a span, metrics and a request-log row only after
 * the client has its answer. Used from the request's event loop only.
 */
public final class CallRecord {

    /** Responses are kept whole up to this size for usage and content; past it only their tail. */
    static final int FULL_CAPTURE_LIMIT = 1 << 20;
    static final int TAIL = 16 * 1024;

    /** One upstream call. */
    public static final class Attempt {
        final String provider;
        final String model;
        final String key;
        final String host;
        final int port;
        final long startNanos;
        /** When the request was written out: from here the gateway waits on the upstream. */
        long writtenNanos;
        long endNanos;
        int status;
        String outcome;
        Span span;

        Attempt(String provider, String model, String key, String host, int port, long startNanos) {
            this.provider = provider;
            this.model = model;
            this.key = key;
            this.host = host;
            this.port = port;
            this.startNanos = startNanos;
        }
    }

    final String operation;
    final long startNanos = System.nanoTime();
    final long startEpochMillis = System.currentTimeMillis();
    final String traceparent;
    final String sessionId;
    final String userId;
    final boolean captureContent;
    final List<Attempt> attempts = new ArrayList<>(2);
    String requestedModel;
    byte[] requestBody;
    boolean stream;
    Span requestSpan;
    long firstByteNanos;
    long lastByteNanos;
    long endNanos;
    int status;
    String errorType;
    boolean eventStream;
    boolean streamCounted;
    private Buffer response;
    private boolean truncated;

    CallRecord(String operation, String traceparent, String sessionId, String userId, boolean captureContent) {
        this.operation = operation;
        this.traceparent = traceparent;
        this.sessionId = sessionId;
        this.userId = userId;
        this.captureContent = captureContent;
    }

    public void request(String model, boolean stream, byte[] body) {
        this.requestedModel = model;
        this.stream = stream;
        this.requestBody = body;
    }

    Attempt lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** The current attempt's request is on the wire. */
    public void upstreamWritten() {
        Attempt a = lastAttempt();
        if (a != null && a.writtenNanos == 0) {
            a.writtenNanos = System.nanoTime();
        }
    }

    /** An upstream answer has started to arrive. */
    public void responseStarted(int status, boolean eventStream) {
        this.status = status;
        this.eventStream = eventStream;
    }

    /** A piece of the answer, as relayed to the client. */
    public void chunk(Buffer chunk) {
        long now = System.nanoTime();
        if (firstByteNanos == 0) {
            firstByteNanos = now;
        }
        lastByteNanos = now;
        if (response == null) {
            response = Buffer.buffer(Math.min(chunk.length() * 2, FULL_CAPTURE_LIMIT));
        }
        response.appendBuffer(chunk);
        boolean keepAll = captureContent && !truncated;
        if (response.length() > (keepAll ? FULL_CAPTURE_LIMIT : 2 * TAIL)) {
            // Usage and the finish reason come last: the tail is what metrics need.
            truncated = true;
            response = response.getBuffer(response.length() - TAIL, response.length());
        }
    }

    public void finished(int status, String errorType) {
        this.endNanos = System.nanoTime();
        this.status = status;
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }

    Buffer response() {
        return response;
    }

    boolean truncated() {
        return truncated;
    }
}
