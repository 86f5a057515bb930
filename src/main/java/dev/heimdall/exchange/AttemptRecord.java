package dev.heimdall.exchange;

/**
 * One upstream call made for an exchange: where it went, when it was written and ended, how it ended.
 * Written on the request's event loop; read by telemetry only after the exchange completed.
 */
public final class AttemptRecord {

    final String provider;
    final String model;
    final String key;
    final String host;
    final int port;
    final long startNanos;
    /** The span id this attempt's upstream call carries in its traceparent (0 when not tracing). */
    final long spanId;
    long writtenNanos;
    long endNanos;
    int status;
    String outcome;

    AttemptRecord(String provider, String model, String key, String host, int port, long startNanos, long spanId) {
        this.provider = provider;
        this.model = model;
        this.key = key;
        this.host = host;
        this.port = port;
        this.startNanos = startNanos;
        this.spanId = spanId;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    public String key() {
        return key;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long startNanos() {
        return startNanos;
    }

    /** When the request was on the wire: from here the gateway waits on the upstream (0 if never written). */
    public long writtenNanos() {
        return writtenNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    public int status() {
        return status;
    }

    /** Why the attempt did not produce the answer (a status, "unreachable", "timeout"), or null if it did. */
    public String outcome() {
        return outcome;
    }

    public long spanId() {
        return spanId;
    }
}
