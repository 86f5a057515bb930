package dev.heimdall.telemetry;

import dev.heimdall.config.OtelConfig;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * OTLP over HTTP with protobuf bodies, as Langfuse and every collector accept it. Bodies are encoded with
 * the SDK's own marshaler and sent with a Vert.x client: no OkHttp, no service loading, nothing blocking.
 * A failed export is counted and logged without the headers (they carry Langfuse's credentials).
 */
final class OtlpHttpExporter implements SpanExporter {

    private static final Logger LOG = Logger.getLogger(OtlpHttpExporter.class);

    private final HttpClient client;
    private final RequestOptions options;
    private final AtomicLong failures = new AtomicLong();

    OtlpHttpExporter(HttpClient client, OtelConfig config) {
        this.client = client;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        config.headers().forEach((name, value) -> headers.set(name, value.value()));
        headers.set("Content-Type", "application/x-protobuf");
        this.options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.collectorUrl().toString())
                .setHeaders(headers).setTimeout(10_000);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = new CompletableResultCode();
        Buffer body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024 * spans.size());
            TraceRequestMarshaler.create(spans).writeBinaryTo(out);
            body = Buffer.buffer(out.toByteArray());
        } catch (IOException e) {
            return result.fail();
        }
        client.request(options)
                .compose(req -> req.send(body))
                .compose(res -> res.body().map(b -> res.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() / 100 == 2) {
                        result.succeed();
                    } else {
                        long n = failures.incrementAndGet();
                        if (n == 1 || n % 100 == 0) {
                            LOG.warnf("Trace export to %s failed (%s); %d batches lost so far", options.getHost(),
                                    ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName(), n);
                        }
                        result.fail();
                    }
                });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
