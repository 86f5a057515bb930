package dev.heimdall.telemetry;

import dev.heimdall.config.ConfigSnapshot;
import dev.heimdall.config.GatewaySettings;
import dev.heimdall.config.OtelConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The tracer configured by config.json's otel plugin. Quarkus's OpenTelemetry SDK is set from properties
 * once at start-up; Bifrost's plugin lives in config.json and must apply on every reload, so Heimdall
 * builds an SDK tracer provider (the same SDK the extension ships) from the plugin and swaps it when the
 * plugin changes. Export is batched and asynchronous with a bounded queue: a dead collector drops spans,
 * it never slows a request. No plugin, or a disabled one: no tracer, no spans, no cost.
 */
@Singleton
public class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class);

    /** The provider and tracer for one plugin configuration. */
    private record Active(OtelConfig config, SdkTracerProvider provider, Tracer tracer) {
    }

    private final Vertx vertx;
    private final GatewaySettings settings;
    private HttpClient exportClient;
    private volatile Active active;

    public Tracing(Vertx vertx, GatewaySettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** The tracer, or null when tracing is off. */
    public Tracer tracer() {
        Active a = active;
        return a == null ? null : a.tracer();
    }

    synchronized void onConfig(@Observes ConfigSnapshot snapshot) {
        OtelConfig next = snapshot.config().otel();
        Active current = active;
        if (current != null && Objects.equals(current.config(), next)) {
            return;
        }
        active = next == null ? null : build(next);
        if (current != null) {
            current.provider().shutdown(); // flushes what it holds, asynchronously
        }
        if (next == null) {
            LOG.info("Tracing off (no enabled otel plugin)");
        } else {
            LOG.infof("Tracing to %s as service %s (headers: %s)", next.collectorUrl(), next.serviceName(), next.headers().keySet());
        }
    }

    private Active build(OtelConfig config) {
        if (exportClient == null) {
            exportClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000));
        }
        BatchSpanProcessor batch = BatchSpanProcessor.builder(new OtlpHttpExporter(exportClient, config))
                .setMaxQueueSize(settings.traceQueueSize())
                .setMaxExportBatchSize(512)
                .setScheduleDelay(settings.traceExportDelay().toMillis(), TimeUnit.MILLISECONDS)
                .setExporterTimeout(15, TimeUnit.SECONDS)
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder()
                        .put("service.name", config.serviceName()).build())))
                .addSpanProcessor(batch)
                .build();
        return new Active(config, provider, provider.get("dev.heimdall"));
    }

    void stop(@Observes ShutdownEvent event) {
        Active a = active;
        if (a != null) {
            a.provider().forceFlush().join(5, TimeUnit.SECONDS);
            a.provider().shutdown();
        }
    }
}
