package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeAnthropic;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /anthropic/v1/*} through the running gateway, as Claude Code uses it: translated both ways to an
 * OpenAI-compatible upstream (the vLLM of the field guides), passed through to Anthropic, failing over
 * from one to the other, and every error in Anthropic's shape.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AnthropicInboundTest {

    @Fake
    FakeOpenAi vllm;

    @Fake
    FakeAnthropic anthropic;

    @BeforeEach
    void reset() {
        vllm.reset();
        anthropic.reset();
    }

    private static Response messages(String body) {
        return given().contentType(ContentType.JSON).header("anthropic-version", "2023-06-01").body(body).post("/anthropic/v1/messages");
    }

    /** The events of an Anthropic stream, as {@code type} plus data, each checked to name its own type. */
    private static List<JsonObject> events(String stream) {
        List<JsonObject> events = new ArrayList<>();
        for (String event : stream.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            String[] lines = event.split("\n");
            JsonObject data = new JsonObject(lines[1].substring(6));
            assertEquals("event: " + data.getString("type"), lines[0]);
            events.add(data);
        }
        return events;
    }

    private static void assertAnthropicError(Response r, int status, String type) {
        assertEquals(status, r.statusCode(), r.asString());
        JsonObject body = new JsonObject(r.asString());
        assertEquals("error", body.getString("type"), r.asString());
        assertEquals(type, body.getJsonObject("error").getString("type"), r.asString());
        assertTrue(body.getJsonObject("error").getString("message").length() > 10, r.asString());
    }

    @Test
    void claudeCodeStreamsFromAVllmModelWithItsSystemToolsAndHistoryTranslated() {
        Response r = messages("""
                {"model": "vllm/glm5", "max_tokens": 1024, "stream": true,
                 "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}],
                 "tools": [{"name": "Bash", "description": "Run a command", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}}],
                 "messages": [{"role": "user", "content": "list files"},
                   {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}]}]}""");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<JsonObject> events = events(r.asString());
        assertEquals("message_start", events.get(0).getString("type"));
        assertEquals("message_stop", events.get(events.size() - 1).getString("type"));
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> "content_block_delta".equals(e.getString("type")))
                .forEach(e -> text.append(e.getJsonObject("delta").getString("text")));
        assertEquals("tok0tok1tok2tok3tok4", text.toString());
        JsonObject delta = events.get(events.size() - 2);
        assertEquals("end_turn", delta.getJsonObject("delta").getString("stop_reason"));
        assertEquals(11, delta.getJsonObject("usage").getInteger("input_tokens"), "the usage the gateway asked vLLM for");
        assertEquals(5, delta.getJsonObject("usage").getInteger("output_tokens"));

        JsonObject sent = vllm.receivedList().get(0).json();
        assertEquals("/v1/chat/completions", vllm.receivedList().get(0).path());
        assertEquals("glm5", sent.getString("model"));
        assertEquals(new JsonObject().put("role", "system").put("content", "You are Claude Code."), sent.getJsonArray("messages").getJsonObject(0));
        assertEquals("toolu_1", sent.getJsonArray("messages").getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "toolu_1").put("content", "a.txt"),
                sent.getJsonArray("messages").getJsonObject(3));
        assertEquals("Bash", sent.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
        assertEquals(new JsonObject().put("include_usage", true), sent.getJsonObject("stream_options"));
    }

    @Test
    void aToolCallComesBackAsToolUseStreamedAndWhole() {
        String body = """
                {"model": "xai/tool-call", "max_tokens": 100, "stream": %s,
                 "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}], "messages": [{"role": "user", "content": "Paris?"}]}""";
        Response plain = messages(body.formatted("false"));
        assertEquals(200, plain.statusCode(), plain.asString());
        JsonObject whole = new JsonObject(plain.asString());
        assertEquals("tool_use", whole.getString("stop_reason"), whole.encode());
        assertEquals("tool_use", whole.getString("stop_reason"));
        assertEquals(new JsonObject().put("type", "tool_use").put("id", "call_weather").put("name", "get_weather")
                .put("input", new JsonObject().put("city", "Paris")), whole.getJsonArray("content").getJsonObject(0));

        List<JsonObject> events = events(messages(body.formatted("true")).asString());
        JsonObject start = events.stream().filter(e -> "content_block_start".equals(e.getString("type"))).findFirst().orElseThrow();
        assertEquals("tool_use", start.getJsonObject("content_block").getString("type"));
        assertEquals("call_weather", start.getJsonObject("content_block").getString("id"));
        StringBuilder json = new StringBuilder();
        events.stream().filter(e -> "content_block_delta".equals(e.getString("type")))
                .forEach(e -> json.append(e.getJsonObject("delta").getString("partial_json")));
        assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(json.toString()));
        JsonObject delta = events.get(events.size() - 2);
        assertEquals("tool_use", delta.getJsonObject("delta").getString("stop_reason"));
        assertEquals(40, delta.getJsonObject("usage").getInteger("input_tokens"));
    }

    @Test
    void anAnthropicModelIsPassedThroughWithItsHeadersAndUsageRead() {
        Response r = given().contentType(ContentType.JSON).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "prompt-caching-2024-07-31")
                .body("{\"model\": \"anthropic/claude-sonnet-4-5\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/anthropic/v1/messages");
        assertEquals(200, r.statusCode(), r.asString());
        JsonObject message = new JsonObject(r.asString());
        assertEquals(FakeAnthropic.TEXT, message.getJsonArray("content").getJsonObject(0).getString("text"));
        assertEquals(FakeAnthropic.REQUEST_ID, r.header("request-id"), "a passthrough keeps the upstream's headers");
        FakeAnthropic.Received sent = anthropic.receivedList().get(0);
        assertEquals("/v1/messages", sent.path());
        assertEquals(GatewayTestResource.ANTHROPIC_KEY_CANARY, sent.headers().get("x-api-key"));
        assertEquals("2023-06-01", sent.headers().get("anthropic-version"));
        assertEquals("prompt-caching-2024-07-31", sent.headers().get("anthropic-beta"));
        assertFalse(sent.headers().contains("Authorization"));
        assertEquals("claude-sonnet-4-5", sent.json().getString("model"));

        Response stream = given().contentType(ContentType.JSON)
                .body("{\"model\": \"anthropic/claude-stream-logged\", \"max_tokens\": 10, \"stream\": true, \"messages\": []}")
                .post("/anthropic/v1/messages");
        assertEquals(200, stream.statusCode());
        assertEquals("2023-06-01", anthropic.receivedList().get(1).headers().get("anthropic-version"), "a version is always sent");
        assertTrue(stream.asString().contains("event: message_stop"), "relayed as Anthropic sent it");
        JsonObject row = Await.value("the stream's log row", () -> {
            JsonArray data = new JsonObject(given().get("/api/logs?limit=50").asString()).getJsonArray("data");
            return data.stream().map(JsonObject.class::cast).filter(e -> "anthropic/claude-stream-logged".equals(e.getString("requested_model")))
                    .findFirst().orElse(null);
        }, e -> e != null);
        assertEquals(FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_INPUT_TOKENS, row.getInteger("input_tokens"), row.encode());
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, row.getInteger("output_tokens"), row.encode());
    }

    @Test
    void anOverloadedAnthropicFailsOverToTheVllmModelInsideOneRequest() {
        Response r = messages("""
                {"model": "anthropic/status-529", "fallbacks": ["vllm/glm5"], "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}""");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("vllm", r.header("x-heimdall-provider"));
        JsonObject message = new JsonObject(r.asString());
        assertEquals("message", message.getString("type"));
        assertEquals("hello from glm5", message.getJsonArray("content").getJsonObject(0).getString("text"));
        assertEquals(2, anthropic.receivedList().size(), "529 is retried like 503 (max_retries 1), then the fallback answers");
    }

    @Test
    void everyErrorIsInAnthropicsShapeWithAnthropicsStatuses() {
        assertAnthropicError(messages("{\"model\": \"anthropic/status-529\", \"max_tokens\": 1, \"messages\": []}"), 529, "overloaded_error");
        assertAnthropicError(messages("{\"model\": \"anthropic/status-429\", \"max_tokens\": 1, \"messages\": []}"), 429, "rate_limit_error");
        assertAnthropicError(messages("{\"model\": \"no-such-model\", \"messages\": []}"), 404, "not_found_error");
        assertAnthropicError(messages("{\"model\": \"vllm/glm5\", \"messages\": [}"), 400, "invalid_request_error");
        Response server = messages("""
                {"model": "vllm/glm5", "messages": [], "tools": [{"type": "web_search_20250305", "name": "web_search"}]}""");
        assertAnthropicError(server, 400, "invalid_request_error");
        assertTrue(server.asString().contains("tools[0].type"), server.asString());
        assertEquals(List.of(), vllm.receivedList(), "nothing untranslatable goes upstream");
        assertAnthropicError(given().get("/anthropic/v1/nothing"), 404, "not_found_error");
        assertAnthropicError(given().get("/anthropic/v1/messages"), 405, "not_found_error");
        assertAnthropicError(given().contentType(ContentType.JSON).header("x-api-key", "sk-bf-unknown-key-0000").body("{\"model\": \"vllm/glm5\", \"messages\": []}")
                .post("/anthropic/v1/messages"), 403, "permission_error");
    }

    @Test
    void aStreamThatBreaksUpstreamEndsWithAnAnthropicErrorEvent() {
        Response r = messages("{\"model\": \"anthropic/error-mid-stream\", \"stream\": true, \"max_tokens\": 5, \"messages\": []}");
        List<JsonObject> events = events(r.asString());
        JsonObject last = events.get(events.size() - 1);
        assertEquals("error", last.getString("type"));
        assertEquals(FakeAnthropic.MID_STREAM_ERROR_TYPE, last.getJsonObject("error").getString("type"));
    }

    @Test
    void countTokensAsksAnthropicOrEstimates() {
        Response asked = given().contentType(ContentType.JSON)
                .body("{\"model\": \"anthropic/claude-sonnet-4-5\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/anthropic/v1/messages/count_tokens");
        assertEquals(FakeAnthropic.COUNT_TOKENS, new JsonObject(asked.asString()).getInteger("input_tokens"), asked.asString());
        assertEquals("/v1/messages/count_tokens", anthropic.receivedList().get(0).path());
        Response estimated = given().contentType(ContentType.JSON)
                .body("{\"model\": \"vllm/glm5\", \"system\": \"12345678\", \"messages\": [{\"role\": \"user\", \"content\": \"abcd\"}]}")
                .post("/anthropic/v1/messages/count_tokens");
        assertEquals(200, estimated.statusCode(), estimated.asString());
        assertEquals("estimate", estimated.header("x-heimdall-token-count"));
        // "12345678" + "user" + "abcd" = 16 characters, 4 tokens, plus 4 for the message's framing.
        assertEquals(8, new JsonObject(estimated.asString()).getInteger("input_tokens"));
        assertEquals(List.of(), vllm.receivedList());
    }

    @Test
    void modelsAreListedInAnthropicsFormat() {
        JsonObject list = new JsonObject(given().get("/anthropic/v1/models").asString());
        assertFalse(list.getBoolean("has_more"));
        JsonObject first = list.getJsonArray("data").getJsonObject(0);
        assertEquals("model", first.getString("type"));
        assertEquals(first.getString("id"), list.getString("first_id"));
        assertTrue(first.getString("created_at").endsWith("Z"), first.encode());
        JsonObject one = new JsonObject(given().get("/anthropic/v1/models/vllm/glm5").asString());
        assertEquals("vllm/glm5", one.getString("id"));
    }
}
