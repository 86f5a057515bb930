package dev.heimdall.telemetry;

import dev.heimdall.config.ConfigService;
import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.exchange.AttemptRecord;
import dev.heimdall.exchange.Exchange;
import dev.heimdall.store.LogEntry;
import dev.heimdall.store.LoggedRequests;
import dev.heimdall.store.RequestLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jboss.logging.Logger;

/**
 * The request log: each finished request becomes a row in SQLite, written in batches by a worker every
 * 100 ms. The queue is bounded: in a burst beyond it entries are dropped and counted
 * ({@code heimdall_request_log_dropped_total}), so memory stays flat and no request ever waits on SQLite.
 * Rows older than {@code client.log_retention_days} are deleted hourly. Each written batch is fired as
 * {@link LoggedRequests} for the live feed, from the writer's thread, never from a request's.
 */
@Singleton
public class RequestLog {

    private static final Logger LOG = Logger.getLogger(RequestLog.class);
    private static final int BATCH = 500;

    private final RequestLogStore store;
    private final Event<LoggedRequests> logged;
    private final ConfigService configs;
    private final Vertx vertx;
    private final BlockingQueue<LogEntry> queue;
    private final Counter dropped;
    private long flushTimer = -1;
    private long retentionTimer = -1;
    private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();

    public RequestLog(RequestLogStore store, ConfigService configs, Vertx vertx, GatewaySettings settings, MeterRegistry registry,
            Event<LoggedRequests> logged) {
        this.store = store;
        this.logged = logged;
        this.configs = configs;
        this.vertx = vertx;
        this.queue = new ArrayBlockingQueue<>(settings.requestLogQueueSize());
        this.dropped = Counter.builder("heimdall.request_log.dropped").description("Request-log entries dropped because the queue was full")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        // Small, frequent batches: a long SQLite burst on a shared core shows up as request latency.
        // One flush at a time: while a database stalls, the timer's ticks are skipped instead of each holding a
        // worker thread (shared with the management API and health checks) blocked on the flush before it.
        flushTimer = vertx.setPeriodic(100, id -> {
            if (flushing.compareAndSet(false, true)) {
                vertx.executeBlocking(() -> {
                    try {
                        flush();
                    } finally {
                        flushing.set(false);
                    }
                    return null;
                }, false);
            }
        });
        retentionTimer = vertx.setPeriodic(Duration.ofHours(1).toMillis(), id -> vertx.executeBlocking(() -> {
            retain();
            return null;
        }, false));
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(flushTimer);
        vertx.cancelTimer(retentionTimer);
        flush();
    }

    /** {@code traceId}: the trace the exchange's span goes to, or null when it has none. */
    void add(Exchange ex, String traceId) {
        ConfigSnapshot snapshot = configs.current();
        if (snapshot != null && !snapshot.config().client().enableLogging()) {
            return;
        }
        AttemptRecord last = ex.lastAttempt();
        double latency = (ex.endNanos() - ex.startNanos()) / 1e6;
        LogEntry entry = new LogEntry(0, ex.startEpochMillis(), ex.operation(), ex.requestedModel(),
                last == null ? null : last.provider(), last == null ? null : last.model(), last == null ? null : last.key(),
                ex.status(), ex.errorType(), ex.stream(), ex.attempts().size(), latency, ex.overheadNanos() / 1e6,
                ex.stream() && ex.firstByteNanos() > 0 ? (ex.firstByteNanos() - ex.startNanos()) / 1e6 : null,
                ex.usage().inputTokens(), ex.usage().outputTokens(), ex.costNanoUsd() == null ? null : ex.costNanoUsd() / 1e9,
                ex.virtualKey(), traceId);
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    /** Writes what is queued; called by the timer, at shutdown, and by tests that need it now. */
    public synchronized void flush() {
        List<LogEntry> batch = new ArrayList<>(BATCH);
        while (queue.drainTo(batch, BATCH) > 0) {
            List<LogEntry> written = null;
            try {
                written = store.insert(batch);
            } catch (RuntimeException e) {
                LOG.warnf("Could not write %d request-log entries: %s", batch.size(), e.getMessage());
            }
            batch.clear();
            if (written != null) {
                logged.fire(new LoggedRequests(written));
            }
        }
    }

    void retain() {
        ConfigSnapshot snapshot = configs.current();
        if (snapshot != null) {
            long cutoff = System.currentTimeMillis() - Duration.ofDays(snapshot.config().client().logRetentionDays()).toMillis();
            int removed = store.deleteOlderThan(cutoff);
            if (removed > 0) {
                LOG.infof("Removed %d request-log entries older than %d days", removed, snapshot.config().client().logRetentionDays());
            }
        }
    }
}
