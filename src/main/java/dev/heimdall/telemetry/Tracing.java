package dev.heimdall.telemetry;

import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.OtelConfig;
import dev.heimdall.exchange.Exchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tracing as config.json's otel plugin sets it, applied on every reload. Completed exchanges are queued
 * (a bounded queue: the event loop only offers a reference) and one telemetry thread turns them into
 * GenAI spans, batches them and exports them over OTLP/HTTP. Nothing here can slow a request: when the
 * collector is slow the thread waits for it and the queue fills; a full queue or a failed export drops
 * spans, counted in {@code heimdall_spans_dropped_total} and logged once. No plugin, or a disabled one: no spans, no cost.
 */
@Singleton
public class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class);
    private static final int BATCH = 512;
    /**
     * A batch is also sent once it reaches this many bytes: large batches make large buffers, and the HTTP
     * client's direct buffers stay in the process's memory.
     */
    private static final long BATCH_BYTES = 2L << 20;
    /**
     * Exports allowed in flight at once. Beyond, the telemetry thread waits for one to finish (requests never
     * do: they only offer to the queue, which drops and counts when full).
     */
    private static final int MAX_EXPORTS_IN_FLIGHT = 4;
    /** Longer than the exporter's own timeout: a slot always frees within it. */
    private static final long SLOT_WAIT_SECONDS = 15;

    /** Where spans go for one plugin configuration. */
    private record Sink(OtelConfig config, OtlpHttpExporter exporter) {
    }

    private final Vertx vertx;
    private final String version;
    private final long delayNanos;
    private final int contentLimit;
    private final BlockingQueue<Exchange> queue;
    private final Counter dropped;
    private final Counter exported;
    private final Semaphore exportSlots = new Semaphore(MAX_EXPORTS_IN_FLIGHT);
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private HttpClient exportClient;
    private volatile Sink sink;
    private volatile boolean running = true;
    private Thread worker;

    public Tracing(Vertx vertx, GatewaySettings settings, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        this.vertx = vertx;
        this.version = version;
        this.delayNanos = settings.traceExportDelay().toNanos();
        this.contentLimit = settings.traceContentLimit();
        this.queue = new ArrayBlockingQueue<>(settings.traceQueueSize());
        this.dropped = Counter.builder("heimdall.spans.dropped")
                .description("Spans not exported: queue full, too many exports in flight, or the collector failed").register(registry);
        this.exported = Counter.builder("heimdall.spans.exported").description("Spans the collector accepted").register(registry);
    }

    /** Whether the otel plugin is on. */
    public boolean on() {
        return sink != null;
    }

    /** Queues a completed, traced exchange for its spans; never waits. */
    void submit(Exchange exchange) {
        if (!queue.offer(exchange)) {
            drop(spanCount(exchange), "the span queue (" + (queue.size() + queue.remainingCapacity()) + ", heimdall.trace-queue-size) is full");
        }
    }

    synchronized void onConfig(@Observes ConfigSnapshot snapshot) {
        OtelConfig next = snapshot.config().otel();
        Sink current = sink;
        if (current != null && Objects.equals(current.config(), next)) {
            return;
        }
        sink = next == null ? null : build(next);
        if (next == null) {
            LOG.info("Tracing off (no enabled otel plugin)");
        } else {
            LOG.infof("Tracing to %s as service %s (headers: %s)", next.collectorUrl(), next.serviceName(), next.headers().keySet());
            startWorker();
        }
    }

    private Sink build(OtelConfig config) {
        if (exportClient == null) {
            exportClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000));
        }
        return new Sink(config, new OtlpHttpExporter(vertx, exportClient, config));
    }

    private void startWorker() {
        if (worker == null) {
            worker = new Thread(this::work, "heimdall-telemetry");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /**
     * The telemetry thread: spans from exchanges, encoded as they come and sent in batches of 512 spans,
     * {@link #BATCH_BYTES}, or every trace-export-delay. A batch goes to the sink its spans were made for.
     */
    private void work() {
        Sink batchSink = null;
        OtlpTraceEncoder batch = null;
        long deadline = System.nanoTime() + delayNanos;
        while (running || !queue.isEmpty()) {
            try {
                Exchange ex = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                Sink s = sink;
                if (batch != null && batchSink != s && batch.spans() > 0) {
                    send(batchSink, batch.finish()); // the config changed: what was made for the old sink goes there
                }
                if (batchSink != s) {
                    batchSink = s;
                    batch = s == null ? null : new OtlpTraceEncoder(s.config().serviceName(), version);
                }
                if (ex != null && batch != null) {
                    for (ExchangeSpan span : GenAiSpans.of(ex, contentLimit)) {
                        batch.add(span);
                    }
                }
                boolean due = System.nanoTime() >= deadline || (!running && queue.isEmpty());
                if (batch != null && batch.spans() > 0 && (due || batch.spans() >= BATCH || batch.bytes() >= BATCH_BYTES)) {
                    send(batchSink, batch.finish());
                    due = true;
                }
                if (due) {
                    deadline = System.nanoTime() + delayNanos;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Could not build spans for a request; they are dropped", e);
                dropped.increment();
            }
        }
        if (batch != null && batch.spans() > 0) {
            try {
                send(batchSink, batch.finish());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void send(Sink s, OtlpTraceEncoder.Body body) throws InterruptedException {
        if (!exportSlots.tryAcquire(SLOT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            drop(body.spans(), MAX_EXPORTS_IN_FLIGHT + " exports to the collector did not finish in " + SLOT_WAIT_SECONDS + " s");
            return;
        }
        s.exporter().export(body).onComplete(ar -> {
            exportSlots.release();
            if (ar.succeeded()) {
                exported.increment(body.spans());
            } else {
                drop(body.spans(), "the collector did not accept them");
            }
        });
    }

    private void drop(int spans, String why) {
        dropped.increment(spans);
        if (dropLogged.compareAndSet(false, true)) {
            LOG.warnf("Dropping spans: %s. Requests are not slowed; every dropped span is counted in heimdall_spans_dropped_total"
                    + " (this is logged once).", why);
        }
    }

    private static int spanCount(Exchange ex) {
        int attempts = ex.attempts().size();
        return attempts > 1 ? attempts + 1 : 1;
    }

    /** Sends what is queued and waits for it, for tests and shutdown. */
    void stop(@Observes ShutdownEvent event) {
        running = false;
        Thread w = worker;
        if (w != null) {
            try {
                w.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            // Every slot back means every export finished.
            if (exportSlots.tryAcquire(MAX_EXPORTS_IN_FLIGHT, 5, TimeUnit.SECONDS)) {
                exportSlots.release(MAX_EXPORTS_IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
