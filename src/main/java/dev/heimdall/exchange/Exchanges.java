package dev.heimdall.exchange;

import io.quarkus.arc.All;
import io.vertx.core.MultiMap;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;

/** Starts exchanges with every {@link ExchangeListener} bean attached, in their order. */
@Singleton
public class Exchanges {

    private final List<ExchangeListener> listeners;

    public Exchanges(@All List<ExchangeListener> listeners) {
        this.listeners = listeners.stream().sorted(Comparator.comparingInt(ExchangeListener::order)).toList();
    }

    public Exchange begin(Exchange.Dialect dialect, String operation, MultiMap requestHeaders) {
        Exchange exchange = new Exchange(dialect, operation, requestHeaders, listeners);
        for (ExchangeListener listener : listeners) {
            listener.started(exchange);
        }
        return exchange;
    }
}
