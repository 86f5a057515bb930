package dev.heimdall.telemetry;

import dev.heimdall.config.OtelConfig;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
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

    /** Longest an export may take; past it the batch counts as failed, whatever the connection does. */
    private static final long TIMEOUT_MILLIS = 10_000;

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final RequestOptions options;
    private final AtomicLong failures = new AtomicLong();

    OtlpHttpExporter(Vertx vertx, HttpClient client, OtelConfig config) {
        this.vertx = vertx;
        // Every export runs on this one event-loop context: its request is made and its response handled there,
        // so no callback can be missed between threads (an export started from a plain thread could hang).
        this.context = vertx.getOrCreateContext();
        this.client = client;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        config.headers().forEach((name, value) -> headers.set(name, value.value()));
        headers.set("Content-Type", "application/x-protobuf");
        this.options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.collectorUrl().toString())
                .setHeaders(headers).setTimeout(TIMEOUT_MILLIS);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = new CompletableResultCode();
        Buffer payload;
        try {
            // The marshaler knows the body's size: one array of exactly that, sent without a copy.
            TraceRequestMarshaler marshaler = TraceRequestMarshaler.create(spans);
            ByteBuf bytes = Unpooled.buffer(marshaler.getBinarySerializedSize());
            marshaler.writeBinaryTo(new ByteBufOutputStream(bytes));
            payload = Buffer.buffer(bytes);
        } catch (IOException e) {
            return result.fail();
        }
        context.runOnContext(v -> {
            long timer = vertx.setTimer(TIMEOUT_MILLIS + 1_000, id -> failed(result, "no answer in " + TIMEOUT_MILLIS + " ms"));
            client.request(options)
                    .compose(req -> req.send(payload))
                    .compose(res -> res.body().map(b -> res.statusCode()))
                    .onComplete(ar -> {
                        vertx.cancelTimer(timer);
                        if (ar.succeeded() && ar.result() / 100 == 2) {
                            result.succeed();
                        } else {
                            failed(result, ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName());
                        }
                    });
        });
        return result;
    }

    private void failed(CompletableResultCode result, String why) {
        if (result.isDone()) {
            return;
        }
        long n = failures.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            LOG.warnf("Trace export to %s failed (%s); %d batches lost so far", options.getHost(), why, n);
        }
        result.fail();
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
