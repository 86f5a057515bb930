package dev.heimdall.telemetry;

import dev.heimdall.config.OtelConfig;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * OTLP over HTTP with protobuf bodies, as Langfuse and every collector accept it. Bodies come from
 * {@link OtlpTraceEncoder} and go out with a Vert.x client: no OkHttp, no service loading, nothing blocking.
 * A failed export is counted and logged without the headers (they carry Langfuse's credentials).
 */
final class OtlpHttpExporter {

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

    /** Sends one encoded batch; the future fails when the collector did not accept it, in time. */
    Future<Void> export(OtlpTraceEncoder.Body body) {
        Promise<Void> result = Promise.promise();
        Buffer payload = Buffer.buffer(Unpooled.wrappedBuffer(body.array(), body.offset(), body.length()));
        context.runOnContext(v -> {
            long timer = vertx.setTimer(TIMEOUT_MILLIS + 1_000, id -> failed(result, "no answer in " + TIMEOUT_MILLIS + " ms"));
            client.request(options)
                    .compose(req -> req.send(payload))
                    .compose(res -> res.body().map(b -> res.statusCode()))
                    .onComplete(ar -> {
                        vertx.cancelTimer(timer);
                        if (ar.succeeded() && ar.result() / 100 == 2) {
                            result.tryComplete();
                        } else {
                            failed(result, ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName());
                        }
                    });
        });
        return result.future();
    }

    private void failed(Promise<Void> result, String why) {
        if (result.future().isComplete()) {
            return;
        }
        long n = failures.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            LOG.warnf("Trace export to %s failed (%s); %d batches lost so far", options.getHost(), why, n);
        }
        result.tryFail(why);
    }
}
