package dev.heimdall.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Wires the store classes to the databases {@link Stores} opened at start-up. The beans are created on first
 * use, which is after start-up has opened them.
 */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @ApplicationScoped
    ConfigStore configStore(Stores stores) {
        return new ConfigStore(stores.config());
    }

    @Produces
    @ApplicationScoped
    CounterStore counterStore(Stores stores) {
        return new CounterStore(stores.local());
    }

    @Produces
    @ApplicationScoped
    RequestLogStore requestLogStore(Stores stores) {
        return new RequestLogStore(stores.logs());
    }
}
