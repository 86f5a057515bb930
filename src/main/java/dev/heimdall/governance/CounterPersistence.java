package dev.heimdall.governance;

import dev.heimdall.config.GatewaySettings;
import dev.heimdall.store.CounterStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps the in-memory counters in SQLite: restored once the schema and the configuration are in place
 * (after {@code GatewayStartup}), written every {@code heimdall.governance.persist-interval} on a worker
 * thread, and once more at shutdown. A crash loses at most one interval of charges.
 */
@Singleton
public class CounterPersistence {

    private static final Logger LOG = Logger.getLogger(CounterPersistence.class);

    private final MemoryLimitStore memory;
    private final CounterStore store;
    private final Governance governance;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    CounterPersistence(MemoryLimitStore memory, CounterStore store, Governance governance, Vertx vertx, GatewaySettings settings) {
        this.memory = memory;
        this.store = store;
        this.governance = governance;
        this.vertx = vertx;
        this.intervalMillis = settings.governance().persistInterval().toMillis();
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        Map<String, Limit> byCounter = new HashMap<>();
        for (KeyPolicy p : governance.policies().all()) {
            p.limits().forEach(l -> byCounter.put(l.counter(), l));
            p.byProvider().values().forEach(ls -> ls.forEach(l -> byCounter.put(l.counter(), l)));
        }
        List<CounterStore.Row> rows = store.loadAll();
        memory.restore(rows, byCounter, System.currentTimeMillis());
        if (!rows.isEmpty()) {
            LOG.infof("Restored %d governance counters from SQLite", rows.size());
        }
        timer = vertx.setPeriodic(intervalMillis, id -> vertx.executeBlocking(() -> {
            flush();
            return null;
        }, false));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        flush();
    }

    /** Writes the counters charged since the last write. */
    public synchronized void flush() {
        List<CounterStore.Row> rows = memory.dirty();
        try {
            store.save(rows, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warnf("Could not persist %d governance counters (%s); they stay in memory and are retried", rows.size(), e.getMessage());
            memory.markDirty(rows);
        }
    }
}
