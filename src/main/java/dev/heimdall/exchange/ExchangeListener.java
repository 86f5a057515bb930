package dev.heimdall.exchange;

/**
 * Work around each exchange: {@link #started} when it arrives (telemetry chooses trace ids there),
 * {@link #completed} once when it ends. Both run on the request's event loop and must not block:
 * anything slow (export, SQLite) is queued to the listener's own threads. Listeners run in ascending
 * {@link #order()}: those that add to the exchange (cost) before those that report it (telemetry).
 */
public interface ExchangeListener {

    default void started(Exchange exchange) {
    }

    void completed(Exchange exchange);

    default int order() {
        return 0;
    }
}
