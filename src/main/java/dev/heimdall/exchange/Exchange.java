package dev.heimdall.exchange;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One inference request from its arrival to its one completion. Each stage puts what it learns here
 * (the request's fields, each upstream attempt, the answer's status, timing and usage) and after-the-answer
 * work hangs off {@link #complete}: first the callbacks a stage registered for this request (cost, settling
 * governance's counters), then the listeners given at creation, which record the finished exchange. Whatever the path (success, upstream error, timeout, client gone, overload, bad input),
 * {@code complete} takes effect once; later calls are ignored.
 *
 * <p>Used from the request's event loop only. Listeners that hand the exchange to another thread do so
 * after completion, when nothing writes to it any more.
 */
public final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    /** The inbound API the client speaks, which decides the shape of its errors. */
    public enum Dialect { OPENAI, ANTHROPIC }

    private final Dialect dialect;
    private final String operation;
    private final MultiMap requestHeaders;
    private final List<ExchangeListener> listeners;
    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();

    private TraceContext trace;
    private String clientTraceparent;
    private String sessionId;
    private String userId;
    private boolean captureContent;
    private ResponseCapture capture;

    private String requestedModel;
    private boolean stream;
    private byte[] requestBody;

    private final List<AttemptRecord> attempts = new ArrayList<>(2);

    private int status;
    private String errorType;
    private boolean eventStream;
    private long firstByteNanos;
    private long lastByteNanos;
    private long endNanos;
    private Usage usage = Usage.NONE;
    private String responseModel;
    private int events;
    private String virtualKey;
    private Long costNanoUsd;

    private boolean clientGone;
    private Runnable onClientGone;
    private boolean completed;
    private List<Runnable> callbacks;

    Exchange(Dialect dialect, String operation, MultiMap requestHeaders, List<ExchangeListener> listeners) {
        this.dialect = dialect;
        this.operation = operation;
        this.requestHeaders = requestHeaders;
        this.listeners = listeners;
    }

    // ---- what the client sent ------------------------------------------------------------------------

    /** The client's request headers (an upstream API may forward some, such as {@code anthropic-version}). */
    public MultiMap requestHeaders() {
        return requestHeaders;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The GenAI operation name: chat, text_completion, embeddings. */
    public String operation() {
        return operation;
    }

    public String header(String name) {
        return requestHeaders.get(name);
    }

    /** The parsed request: set once the body was read and scanned. */
    public void request(String model, boolean stream, byte[] body) {
        this.requestedModel = model;
        this.stream = stream;
        this.requestBody = body;
    }

    public String requestedModel() {
        return requestedModel;
    }

    public boolean stream() {
        return stream;
    }

    /** The body as the client sent it; never modified, so it is safe to read after completion. */
    public byte[] requestBody() {
        return requestBody;
    }

    // ---- tracing -------------------------------------------------------------------------------------

    /** Tracing for this exchange: ids, the session and user Langfuse groups by, whether content is kept. */
    public void trace(TraceContext trace, String sessionId, String userId, boolean captureContent) {
        this.trace = trace;
        this.sessionId = sessionId;
        this.userId = userId;
        this.captureContent = captureContent;
        this.capture = trace != null && trace.sampled() ? new ResponseCapture() : null;
    }

    /** A valid traceparent the client sent, forwarded as is when this exchange is not traced. */
    public void clientTraceparent(String traceparent) {
        this.clientTraceparent = traceparent;
    }

    public TraceContext trace() {
        return trace;
    }

    public String sessionId() {
        return sessionId;
    }

    public String userId() {
        return userId;
    }

    public boolean captureContent() {
        return captureContent;
    }

    public ResponseCapture capture() {
        return capture;
    }

    // ---- attempts --------------------------------------------------------------------------------------

    /**
     * Records an upstream call about to be made; returns the traceparent it carries (null for none). The
     * first attempt continues the exchange's own span; further ones get spans of their own, so retries
     * and fallbacks show as children while a plain call is one span.
     */
    public String attemptStarted(String provider, String model, String key, String host, int port) {
        long spanId = 0;
        String traceparent = clientTraceparent;
        if (trace != null) {
            spanId = attempts.isEmpty() ? trace.spanId() : TraceContext.newSpanId();
            traceparent = trace.traceparent(spanId);
        }
        attempts.add(new AttemptRecord(provider, model, key, host, port, System.nanoTime(), spanId));
        return traceparent;
    }

    /** The current attempt's request is on the wire. */
    public void attemptWritten() {
        AttemptRecord a = lastAttempt();
        if (a != null && a.writtenNanos == 0) {
            a.writtenNanos = System.nanoTime();
        }
    }

    /** The current attempt ended without an answer to relay. */
    public void attemptFailed(int status, String outcome) {
        AttemptRecord a = lastAttempt();
        if (a != null && a.endNanos == 0) {
            a.endNanos = System.nanoTime();
            a.status = status;
            a.outcome = outcome;
        }
    }

    public List<AttemptRecord> attempts() {
        return attempts;
    }

    public AttemptRecord lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    // ---- the answer ------------------------------------------------------------------------------------

    /** An upstream answer has started to reach the client. */
    public void answerStarted(int status, boolean eventStream) {
        this.status = status;
        this.eventStream = eventStream;
    }

    /** A piece of the answer, as relayed to the client. */
    public void answerChunk(Buffer chunk) {
        long now = System.nanoTime();
        if (firstByteNanos == 0) {
            firstByteNanos = now;
        }
        lastByteNanos = now;
        if (capture != null) {
            capture.add(chunk);
        }
    }

    /** What the upstream reported about the answer: its usage, the model that served it, SSE events seen. */
    public void answerReported(Usage usage, String responseModel, int events) {
        this.usage = usage;
        this.responseModel = responseModel;
        this.events = events;
    }

    /** The virtual key's name (never its value) the request was admitted with; null without one. */
    public void virtualKey(String name) {
        this.virtualKey = name;
    }

    public String virtualKey() {
        return virtualKey;
    }

    /** The answer's cost in nano-USD, set when the exchange completes; null when its usage or price is unknown. */
    public void cost(Long nanoUsd) {
        this.costNanoUsd = nanoUsd;
    }

    public Long costNanoUsd() {
        return costNanoUsd;
    }

    public int status() {
        return status;
    }

    /** Why the request failed (an error code or type), or null when it succeeded. */
    public String errorType() {
        return errorType;
    }

    public boolean eventStream() {
        return eventStream;
    }

    public Usage usage() {
        return usage;
    }

    public String responseModel() {
        return responseModel;
    }

    public int events() {
        return events;
    }

    public long startNanos() {
        return startNanos;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    public long firstByteNanos() {
        return firstByteNanos;
    }

    public long lastByteNanos() {
        return lastByteNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    /** Wall-clock time of a {@link System#nanoTime()} reading taken during this exchange, in epoch nanoseconds. */
    public long epochNanos(long monotonicNanos) {
        return startEpochMillis * 1_000_000L + (monotonicNanos - startNanos);
    }

    /**
     * Time spent in the gateway itself: total time minus the time waiting on upstreams, from each request
     * being on the wire to the end of its answer (attempts never overlap).
     */
    public long overheadNanos() {
        long waiting = 0;
        for (AttemptRecord a : attempts) {
            if (a.writtenNanos > 0) {
                waiting += (a.endNanos == 0 ? endNanos : a.endNanos) - a.writtenNanos;
            }
        }
        return Math.max(0, endNanos - startNanos - waiting);
    }

    // ---- the client --------------------------------------------------------------------------------------

    /** What to do if the client goes away now (cancel the upstream call under way); null for nothing. */
    public void onClientGone(Runnable action) {
        this.onClientGone = action;
    }

    /** The client's connection closed. */
    public void clientGone() {
        if (clientGone) {
            return;
        }
        clientGone = true;
        Runnable action = onClientGone;
        if (action != null) {
            action.run();
        }
    }

    public boolean isClientGone() {
        return clientGone;
    }

    // ---- completion ------------------------------------------------------------------------------------

    /** Registers work to run when this exchange completes (before the listeners record it). */
    public void onComplete(Runnable callback) {
        if (callbacks == null) {
            callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
    }

    public boolean completed() {
        return completed;
    }

    /**
     * Ends the exchange with the status the client got (499 when it left) and, for failures, why. Takes
     * effect once: the first end wins, later calls are ignored.
     */
    public void complete(int status, String errorType) {
        if (completed) {
            return;
        }
        completed = true;
        endNanos = System.nanoTime();
        this.status = status;
        this.errorType = errorType;
        onClientGone = null;
        AttemptRecord last = lastAttempt();
        if (last != null && last.endNanos == 0) {
            last.endNanos = endNanos;
            last.status = status;
        }
        if (callbacks != null) {
            for (Runnable callback : callbacks) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.error("An exchange completion callback failed; the others still run", e);
                }
            }
        }
        for (ExchangeListener listener : listeners) {
            try {
                listener.completed(this);
            } catch (RuntimeException e) {
                LOG.error("An exchange listener failed; the others still run", e);
            }
        }
    }
}
