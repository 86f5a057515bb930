package dev.heimdall.testing;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real OTLP/HTTP receiver on a loopback port: it decodes each protobuf ExportTraceServiceRequest and
 * keeps the spans and the headers they came with. {@link #hang} makes it accept and never answer, as a
 * collector that is down or overloaded does.
 */
public final class FakeOtlpCollector implements AutoCloseable {

    public static final String PATH = "/api/public/otel/v1/traces";

    /** A decoded span with its attributes flattened to strings, and the service that sent it. */
    public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name, Span.SpanKind kind,
            Map<String, String> attributes, long startNanos, long endNanos, int statusCode) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    public final ConcurrentLinkedQueue<ReceivedSpan> spans = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<MultiMap> requestHeaders = new ConcurrentLinkedQueue<>();
    private volatile boolean hang;
    private final ConcurrentLinkedQueue<io.vertx.core.http.HttpServerResponse> held = new ConcurrentLinkedQueue<>();

    public FakeOtlpCollector() {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            if (hang) {
                held.add(req.response());
                return;
            }
            if (!req.path().equals(PATH)) {
                req.response().setStatusCode(404).end();
                return;
            }
            requestHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
            try {
                ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
                for (ResourceSpans rs : export.getResourceSpansList()) {
                    String service = rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
                            .map(kv -> kv.getValue().getStringValue()).findFirst().orElse(null);
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (Span s : ss.getSpansList()) {
                            spans.add(new ReceivedSpan(service, hex(s.getTraceId().toByteArray()), hex(s.getSpanId().toByteArray()),
                                    hex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind(), attributes(s.getAttributesList()),
                                    s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), s.getStatus().getCodeValue()));
                        }
                    }
                }
                req.response().setStatusCode(200).putHeader("content-type", "application/x-protobuf").end();
            } catch (Exception e) {
                req.response().setStatusCode(400).end(e.toString());
            }
        }));
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** While hanging, exports are accepted and never answered; ending it answers them 503 so none is left waiting. */
    public void hang(boolean on) {
        hang = on;
        if (!on) {
            io.vertx.core.http.HttpServerResponse r;
            while ((r = held.poll()) != null) {
                io.vertx.core.http.HttpServerResponse response = r;
                vertx.runOnContext(v -> response.setStatusCode(503).end());
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + PATH;
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    private static Map<String, String> attributes(List<KeyValue> kvs) {
        return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue()), (a, b) -> b));
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(FakeOtlpCollector::text).toList().toString();
            default -> v.toString();
        };
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
