package dev.heimdall.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Our protobuf encoding, decoded by the official generated OTLP classes. */
class OtlpTraceEncoderTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static ExportTraceServiceRequest decode(OtlpTraceEncoder.Body body) throws Exception {
        return ExportTraceServiceRequest.parseFrom(Arrays.copyOfRange(body.array(), body.offset(), body.offset() + body.length()));
    }

    private static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
        return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    }

    @Test
    void everyFieldAndValueTypeDecodes() throws Exception {
        String text = "plain, café, 漢字, emoji \uD83D\uDE00, and a lone \uD800 surrogate";
        byte[] json = "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"héllo\"}]}]".getBytes(StandardCharsets.UTF_8);
        SpanAttributes a = new SpanAttributes().put("text", text).put("count", 42L).put("negative", -7L)
                .put("ratio", 0.25).putStrings("list", List.of("stop", "length")).putUtf8("json", json).put("absent", (String) null);
        OtlpTraceEncoder encoder = new OtlpTraceEncoder("langfuse-service", "1.2.3");
        encoder.add(new ExchangeSpan("chat glm-5", TRACE, 0x00f067aa0ba902b7L, "a3ce929d0e0e4736", true, null, 1_000L, 2_000L, a));
        encoder.add(new ExchangeSpan("chat glm-5", TRACE, -1L, "00f067aa0ba902b7", false, "timeout", 1_500L, 1_900L,
                new SpanAttributes().put("error.type", "timeout")));
        assertEquals(2, encoder.spans());
        OtlpTraceEncoder.Body body = encoder.finish();
        assertEquals(0, encoder.spans(), "a finished batch starts a new one");

        ExportTraceServiceRequest request = decode(body);
        assertEquals(1, request.getResourceSpansCount());
        ResourceSpans rs = request.getResourceSpans(0);
        Map<String, AnyValue> resource = attributes(rs.getResource().getAttributesList());
        assertEquals("langfuse-service", resource.get("service.name").getStringValue());
        assertEquals("1.2.3", resource.get("service.version").getStringValue());
        assertEquals("dev.heimdall", rs.getScopeSpans(0).getScope().getName());
        List<Span> spans = rs.getScopeSpans(0).getSpansList();
        assertEquals(2, spans.size());

        Span first = spans.get(0);
        assertEquals(TRACE, HexFormat.of().formatHex(first.getTraceId().toByteArray()));
        assertEquals("00f067aa0ba902b7", HexFormat.of().formatHex(first.getSpanId().toByteArray()));
        assertEquals("a3ce929d0e0e4736", HexFormat.of().formatHex(first.getParentSpanId().toByteArray()));
        assertEquals("chat glm-5", first.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, first.getKind());
        assertEquals(1_000L, first.getStartTimeUnixNano());
        assertEquals(2_000L, first.getEndTimeUnixNano());
        assertEquals(Status.StatusCode.STATUS_CODE_UNSET, first.getStatus().getCode());
        assertEquals(0x301, first.getFlags(), "sampled, with a remote parent");
        Map<String, AnyValue> attrs = attributes(first.getAttributesList());
        assertEquals(6, attrs.size(), "null values are left out: " + attrs.keySet());
        assertEquals(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), attrs.get("text").getStringValue());
        assertEquals(42L, attrs.get("count").getIntValue());
        assertEquals(-7L, attrs.get("negative").getIntValue());
        assertEquals(0.25, attrs.get("ratio").getDoubleValue());
        assertEquals(List.of("stop", "length"), attrs.get("list").getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList());
        assertEquals(new String(json, StandardCharsets.UTF_8), attrs.get("json").getStringValue());

        Span second = spans.get(1);
        assertEquals("ffffffffffffffff", HexFormat.of().formatHex(second.getSpanId().toByteArray()));
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, second.getStatus().getCode());
        assertEquals("timeout", second.getStatus().getMessage());
        assertEquals(0x101, second.getFlags(), "sampled, parent is ours");
    }

    @Test
    void aRootSpanHasNoParentAndLargeBatchesGrow() throws Exception {
        OtlpTraceEncoder encoder = new OtlpTraceEncoder("s", null);
        String big = "x".repeat(300_000);
        for (int i = 0; i < 20; i++) {
            encoder.add(new ExchangeSpan("embeddings m", TRACE, i + 1, null, true, null, 1L, 2L, new SpanAttributes().put("big", big)));
        }
        assertTrue(encoder.bytes() > 20 * 300_000);
        ExportTraceServiceRequest request = decode(encoder.finish());
        List<Span> spans = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
        assertEquals(20, spans.size());
        assertTrue(spans.get(0).getParentSpanId().isEmpty());
        assertEquals(big, spans.get(19).getAttributes(0).getValue().getStringValue());
        assertFalse(attributes(request.getResourceSpans(0).getResource().getAttributesList()).containsKey("service.version"));
    }
}
