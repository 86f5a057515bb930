package dev.heimdall.telemetry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.FakeOtlpCollector;
import dev.heimdall.testing.FakeOtlpCollector.ReceivedSpan;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Traces decoded by a real OTLP/HTTP receiver, the Prometheus exposition, and the request log in SQLite. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TelemetryTest {

    @Fake
    FakeOpenAi upstream;

    @Fake
    FakeOtlpCollector collector;

    @Inject
    RequestLog requestLog;

    @BeforeEach
    void reset() {
        upstream.reset();
        collector.hang(false);
    }

    static Response chat(String body, String... headers) {
        var spec = given().contentType("application/json").body(body);
        for (int i = 0; i < headers.length; i += 2) {
            spec = spec.header(headers[i], headers[i + 1]);
        }
        return spec.post("/v1/chat/completions");
    }

    /**
     * The generation span whose requested model is {@code requestedModel}, then its {@code children}
     * attempt spans, once exported (a request's spans are exported together, in one batch).
     */
    List<ReceivedSpan> trace(String requestedModel, int children) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            ReceivedSpan root = collector.spans().stream().filter(s -> requestedModel.equals(s.attributes().get("heimdall.requested_model")))
                    .findFirst().orElse(null);
            if (root != null) {
                List<ReceivedSpan> found = collector.spans().stream().filter(s -> s.parentSpanId().equals(root.spanId())).toList();
                if (found.size() >= children) {
                    return Stream.concat(Stream.of(root), found.stream()).toList();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no trace for " + requestedModel + " among " + collector.spans().size() + " spans");
    }

    List<ReceivedSpan> trace(String requestedModel) throws InterruptedException {
        return trace(requestedModel, 0);
    }

    static void assertHeader(FakeOtlpCollector c, String name, String value) {
        assertTrue(c.requestHeaders.stream().anyMatch(h -> value.equals(h.get(name))), name + " was not " + value);
    }

    @Test
    void aChatCallIsOneGenAiSpanWithItsAttemptAsAChild() throws Exception {
        String model = "openai/glm-5-" + UUID.randomUUID();
        chat("{\"model\": \"" + model + "\", \"temperature\": 0.3, \"max_tokens\": 64, \"top_p\": 0.9, \"stop\": [\"END\"],"
                + " \"user\": \"alice\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi there\"}]}",
                "x-session-id", "session-42").then().statusCode(200);
        List<ReceivedSpan> trace = trace(model);
        ReceivedSpan root = trace.get(0);
        Map<String, String> a = root.attributes();
        String upstreamModel = model.substring("openai/".length());
        assertEquals("chat " + upstreamModel, root.name());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, root.kind());
        assertEquals("heimdall-test", root.service());
        assertEquals("chat", a.get("gen_ai.operation.name"));
        assertEquals("openai", a.get("gen_ai.provider.name"));
        assertEquals(upstreamModel, a.get("gen_ai.request.model"));
        assertEquals(upstreamModel, a.get("gen_ai.response.model"));
        assertEquals("chatcmpl-fake", a.get("gen_ai.response.id"));
        assertEquals("[stop]", a.get("gen_ai.response.finish_reasons"));
        assertEquals("3", a.get("gen_ai.usage.input_tokens"));
        assertEquals("4", a.get("gen_ai.usage.output_tokens"));
        assertEquals("0.3", a.get("gen_ai.request.temperature"));
        assertEquals("64", a.get("gen_ai.request.max_tokens"));
        assertEquals("0.9", a.get("gen_ai.request.top_p"));
        assertEquals("[END]", a.get("gen_ai.request.stop_sequences"));
        assertEquals("127.0.0.1", a.get("server.address"));
        assertEquals(String.valueOf(upstream.port()), a.get("server.port"));
        assertEquals("session-42", a.get("langfuse.session.id"));
        assertEquals("alice", a.get("langfuse.user.id"));
        JsonArray input = new JsonArray(a.get("gen_ai.input.messages"));
        assertEquals("system", input.getJsonObject(0).getString("role"));
        assertEquals("Hi there", input.getJsonObject(1).getJsonArray("parts").getJsonObject(0).getString("content"));
        JsonObject output = new JsonArray(a.get("gen_ai.output.messages")).getJsonObject(0);
        assertEquals("hello from " + upstreamModel, output.getJsonArray("parts").getJsonObject(0).getString("content"));
        assertEquals("stop", output.getString("finish_reason"));
        assertEquals("primary", a.get("heimdall.key.name"));
        assertEquals("upstream", a.get("heimdall.usage.source"));
        // One attempt: the generation is the whole trace; an attempt child would repeat it.
        assertEquals(1, trace.size(), "a plain call is one span");
        assertHeader(collector, "Authorization", GatewayTestResource.OTEL_AUTH_CANARY);
        assertHeader(collector, "x-langfuse-ingestion-version", "4");
        assertHeader(collector, "Content-Type", "application/x-protobuf");
    }

    @Test
    void aStreamIsOneSpanWithTimeToFirstTokenAndUsageFromItsLastChunk() throws Exception {
        String model = "openai/stream-" + UUID.randomUUID();
        String body = chat("{\"model\": \"" + model + "\", \"stream\": true, \"stream_options\": {\"include_usage\": true}, \"messages\": []}")
                .then().statusCode(200).extract().asString();
        assertTrue(body.contains("\"usage\""), "the client asked for usage and gets it");
        ReceivedSpan root = trace(model).get(0);
        assertEquals("11", root.attributes().get("gen_ai.usage.input_tokens"));
        assertEquals("5", root.attributes().get("gen_ai.usage.output_tokens"));
        assertNotNull(root.attributes().get("langfuse.observation.completion_start_time"));
        assertEquals("tok0tok1tok2tok3tok4", new JsonArray(root.attributes().get("gen_ai.output.messages")).getJsonObject(0)
                .getJsonArray("parts").getJsonObject(0).getString("content"));
    }

    @Test
    void aStreamWithoutIncludeUsageGetsUsageOnItsSpanAndTheClientsEventsAreUnchanged() throws Exception {
        String model = "openai/quiet-" + UUID.randomUUID();
        String upstreamModel = model.substring("openai/".length());
        String body = chat("{\"model\": \"" + model + "\", \"stream\": true, \"messages\": []}").then().statusCode(200).extract().asString();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < FakeOpenAi.STREAM_CHUNKS; i++) {
            expected.append(FakeOpenAi.chunk(upstreamModel, i));
        }
        expected.append("data: [DONE]\n\n");
        assertEquals(expected.toString(), body, "the events the upstream sent, minus the usage chunk the gateway asked for");
        JsonObject sent = upstream.receivedList().get(0).json();
        assertEquals(true, sent.getJsonObject("stream_options").getBoolean("include_usage"), "the gateway asked for usage");
        Map<String, String> a = trace(model).get(0).attributes();
        assertEquals("11", a.get("gen_ai.usage.input_tokens"));
        assertEquals("5", a.get("gen_ai.usage.output_tokens"));
        assertEquals("upstream", a.get("heimdall.usage.source"));
        assertEquals("tok0tok1tok2tok3tok4", new JsonArray(a.get("gen_ai.output.messages")).getJsonObject(0)
                .getJsonArray("parts").getJsonObject(0).getString("content"));
    }

    @Test
    void anAnswerOverOneMegabyteHasItsUsageAndABoundedSpan() throws Exception {
        String model = "openai/large-answer";
        String tag = UUID.randomUUID().toString();
        String body = chat("{\"model\": \"" + model + "\", \"user\": \"" + tag + "\", \"messages\": []}")
                .then().statusCode(200).extract().asString();
        assertTrue(body.length() > FakeOpenAi.LARGE_ANSWER_CHARS, "the whole answer reached the client");
        ReceivedSpan root = null;
        for (int i = 0; i < 300 && root == null; i++) {
            Thread.sleep(20);
            root = collector.spans().stream().filter(sp -> tag.equals(sp.attributes().get("langfuse.user.id"))).findFirst().orElse(null);
        }
        assertNotNull(root, "the large answer's span arrived");
        assertEquals("9", root.attributes().get("gen_ai.usage.input_tokens"));
        assertEquals("375000", root.attributes().get("gen_ai.usage.output_tokens"));
        assertEquals("8", root.attributes().get("gen_ai.usage.cache_read.input_tokens"));
        String output = root.attributes().get("gen_ai.output.messages");
        assertTrue(output.length() < 1_000 && output.contains("truncated by Heimdall"), "the output is not carried whole: " + output);
    }

    @Test
    void anAnswerWithoutUsageSaysSoOnItsSpan() throws Exception {
        String model = "openai/no-usage-" + UUID.randomUUID();
        given().contentType("application/json").body("{\"model\": \"" + model + "\", \"prompt\": \"Say hi\"}").post("/v1/completions")
                .then().statusCode(200);
        Map<String, String> a = trace(model).get(0).attributes();
        assertEquals("none", a.get("heimdall.usage.source"));
        assertFalse(a.containsKey("gen_ai.usage.input_tokens"));
        assertEquals("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Say hi\"}]}]", a.get("gen_ai.input.messages"));
    }

    @Test
    void embeddingsInputIsOneUserMessage() throws Exception {
        String model = "openai/embed-" + UUID.randomUUID();
        given().contentType("application/json").body("{\"model\": \"" + model + "\", \"input\": [\"alpha\", \"beta\"]}").post("/v1/embeddings")
                .then().statusCode(200);
        Map<String, String> a = trace(model).get(0).attributes();
        assertEquals("embeddings", a.get("gen_ai.operation.name"));
        assertEquals("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"alpha\"},{\"type\":\"text\",\"content\":\"beta\"}]}]",
                a.get("gen_ai.input.messages"));
    }

    @Test
    void longMessageContentIsTruncatedWithAMarker() throws Exception {
        String model = "openai/long-" + UUID.randomUUID();
        chat("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \""
                + "z".repeat(40_000) + "\"}, {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,AAAA\"}}]},"
                + " {\"role\": \"user\", \"content\": \"second\"}]}").then().statusCode(200);
        JsonArray input = new JsonArray(trace(model).get(0).attributes().get("gen_ai.input.messages"));
        JsonArray parts = input.getJsonObject(0).getJsonArray("parts");
        assertEquals("z".repeat(32_768) + "…[truncated by Heimdall: 7232 more characters]", parts.getJsonObject(0).getString("content"));
        assertEquals(new JsonObject().put("type", "image_url"), parts.getJsonObject(1));
        assertEquals("…[truncated by Heimdall: 6 more characters]", input.getJsonObject(1).getJsonArray("parts").getJsonObject(0).getString("content"),
                "the budget is per attribute: once spent, later texts are only the marker");
    }

    @Test
    void retriesAndFallbacksAreChildSpansAndFailuresCarryErrorType() throws Exception {
        chat("{\"model\": \"fireworks/status-503\", \"fallbacks\": [\"xai/grok-ok\"], \"messages\": []}").then().statusCode(200);
        List<ReceivedSpan> trace = trace("fireworks/status-503", 4);
        assertEquals(5, trace.size(), "root + 3 fireworks attempts + 1 xai");
        assertEquals("xai", trace.get(0).attributes().get("gen_ai.provider.name"));
        List<ReceivedSpan> failed = trace.stream().skip(1).filter(s -> "503".equals(s.attributes().get("error.type"))).toList();
        assertEquals(3, failed.size());
        failed.forEach(s -> assertEquals(2, s.statusCode(), "STATUS_CODE_ERROR"));
        chat("{\"model\": \"groq/llama-3.3-70b\", \"messages\": []}").then().statusCode(502);
        ReceivedSpan root = trace("groq/llama-3.3-70b").get(0);
        assertEquals("provider_unreachable", root.attributes().get("error.type"));
    }

    @Test
    void theClientsTraceparentIsContinuedAndPropagatedUpstream() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        String model = "openai/traced-" + UUID.randomUUID();
        chat("{\"model\": \"" + model + "\", \"messages\": []}", "traceparent", "00-" + traceId + "-" + parent + "-01").then().statusCode(200);
        List<ReceivedSpan> trace = trace(model);
        assertEquals(traceId, trace.get(0).traceId());
        assertEquals(parent, trace.get(0).parentSpanId());
        String sent = upstream.receivedList().get(0).headers().get("traceparent");
        assertEquals("00-" + traceId + "-" + trace.get(0).spanId() + "-01", sent, "the upstream continues the generation's span");
    }

    @Test
    void anAllZeroTraceparentIsInvalidAndStartsANewTrace() throws Exception {
        String model = "openai/traced-" + UUID.randomUUID();
        chat("{\"model\": \"" + model + "\", \"messages\": []}", "traceparent",
                "00-00000000000000000000000000000000-0000000000000000-01").then().statusCode(200);
        ReceivedSpan root = trace(model).get(0);
        assertNotEquals("00000000000000000000000000000000", root.traceId());
        assertEquals("", root.parentSpanId(), "a root span: the client's ids were not valid W3C ids");
    }

    @Test
    void aCollectorThatHangsNeverSlowsRequests() {
        collector.hang(true);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                chat("{\"model\": \"openai/glm-5\", \"messages\": []}").then().statusCode(200);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 5_000, "100 requests with the collector hanging took " + millis + " ms");
        } finally {
            collector.hang(false);
        }
    }

    @Test
    void prometheusCountsMatchTheTrafficAndCarryNoSecret() throws InterruptedException {
        String model = "openai/counted-" + UUID.randomUUID();
        String label = model.substring("openai/".length());
        for (int i = 0; i < 7; i++) {
            chat("{\"model\": \"" + model + "\", \"messages\": []}").then().statusCode(200);
        }
        chat("{\"model\": \"openai/status-404\", \"messages\": []}").then().statusCode(404);
        // A request is counted just after its client has the answer: wait for the last one.
        String metrics = awaitMetrics(m -> m.contains("gen_ai_request_model=\"status-404\"") && m.contains(label)
                && sample(m, "heimdall_requests_total", l -> l.contains("gen_ai_request_model=\"" + label + "\"")) >= 7);
        assertEquals(7.0, sample(metrics, "heimdall_requests_total", l -> l.contains("gen_ai_request_model=\"" + label + "\"")
                && l.contains("http_response_status_code=\"200\"")));
        assertEquals(1.0, sample(metrics, "heimdall_requests_total", l -> l.contains("gen_ai_request_model=\"status-404\"")
                && l.contains("http_response_status_code=\"404\"")));
        assertEquals(7.0, sample(metrics, "gen_ai_client_operation_duration_seconds_count", l -> l.contains(label)));
        assertEquals(21.0, sample(metrics, "gen_ai_client_token_usage_sum", l -> l.contains(label) && l.contains("gen_ai_token_type=\"input\"")));
        assertEquals(28.0, sample(metrics, "gen_ai_client_token_usage_sum", l -> l.contains(label) && l.contains("gen_ai_token_type=\"output\"")));
        assertTrue(metrics.contains("heimdall_gateway_overhead_seconds_bucket"));
        assertTrue(metrics.contains("heimdall_requests_in_flight"));
        assertTrue(metrics.contains("heimdall_streams_in_flight"));
        for (String secret : List.of(GatewayTestResource.KEY_CANARY, GatewayTestResource.ENV_CANARY, GatewayTestResource.HEADER_CANARY,
                GatewayTestResource.OTEL_AUTH_CANARY.substring(6))) {
            assertFalse(metrics.contains(secret), "metrics leak " + secret);
        }
    }

    @Test
    void spansNeverCarryASecret() throws Exception {
        String model = "openai/secretless-" + UUID.randomUUID();
        chat("{\"model\": \"" + model + "\", \"messages\": []}").then().statusCode(200);
        chat("{\"model\": \"openai/status-401\", \"messages\": []}").then().statusCode(401);
        trace(model);
        String all = collector.spans().toString();
        for (String secret : List.of(GatewayTestResource.KEY_CANARY, GatewayTestResource.ENV_CANARY, GatewayTestResource.HEADER_CANARY,
                GatewayTestResource.KEY_B_CANARY, GatewayTestResource.OTEL_AUTH_CANARY.substring(6))) {
            assertFalse(all.contains(secret), "a span carries " + secret);
        }
    }

    @Test
    void theRequestLogKeepsMetadataWithFiltersAndPaging() throws InterruptedException {
        String model = "openai/logged-" + UUID.randomUUID();
        String label = model.substring("openai/".length());
        for (int i = 0; i < 5; i++) {
            chat("{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"do not store me\"}]}").then().statusCode(200);
        }
        // Rows are written after each client has its answer: wait until all five are in SQLite.
        for (int i = 0; i < 100; i++) {
            requestLog.flush();
            if (given().get("/api/logs?model=" + label).jsonPath().getList("data").size() == 5) {
                break;
            }
            Thread.sleep(20);
        }
        var page = given().get("/api/logs?model=" + label + "&limit=3").then().statusCode(200).extract().jsonPath();
        assertEquals(3, page.getList("data").size());
        assertEquals("openai", page.getString("data[0].provider"));
        assertEquals(200, page.getInt("data[0].status"));
        assertEquals(3, page.getInt("data[0].input_tokens"));
        assertEquals("primary", page.getString("data[0].key_name"));
        assertEquals(1, page.getInt("data[0].attempts"));
        long next = page.getLong("next_before");
        var rest = given().get("/api/logs?model=" + label + "&limit=3&before=" + next).then().statusCode(200).extract().jsonPath();
        assertEquals(2, rest.getList("data").size());
        assertEquals(null, (Object) rest.get("next_before"));
        String all = given().get("/api/logs?limit=1000").asString();
        assertFalse(all.contains("do not store me"), "no content in the log");
        given().get("/api/logs?status=abc").then().statusCode(400);
        given().get("/api/logs?limit=5000").then().statusCode(400);
        given().get("/api/logs?since=yesterday").then().statusCode(400);

        // Each row names the trace its span went to, so the log page links a request to Langfuse.
        java.util.Set<String> traced = dev.heimdall.testing.Await.value("the five requests' spans", () -> collector.spans().stream()
                .filter(sp -> model.equals(sp.attributes().get("heimdall.requested_model"))).map(ReceivedSpan::traceId)
                .collect(java.util.stream.Collectors.toSet()), ids -> ids.size() == 5);
        List<String> logged = given().get("/api/logs?model=" + label).jsonPath().getList("data.trace_id");
        assertEquals(traced, new java.util.HashSet<>(logged));
    }

    /** The exposition once {@code ready} holds (or after 2 s, for the assertions to report what is missing). */
    static String awaitMetrics(Predicate<String> ready) throws InterruptedException {
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        for (int i = 0; i < 100 && !ready.test(metrics); i++) {
            Thread.sleep(20);
            metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        }
        return metrics;
    }

    static double sample(String exposition, String name, Predicate<String> labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(exposition);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            if (labels.test(m.group(1))) {
                total += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertTrue(found, "no " + name + " sample matched");
        return total;
    }
}
