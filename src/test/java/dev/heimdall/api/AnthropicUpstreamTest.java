package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeAnthropic;
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

/** OpenAI clients on {@code /v1/chat/completions} with an Anthropic model: translated to the Messages API and back. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AnthropicUpstreamTest {

    @Fake
    FakeAnthropic anthropic;

    @BeforeEach
    void reset() {
        anthropic.reset();
    }

    private static Response chat(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    /** The data of each event of an OpenAI stream. */
    private static List<String> data(String stream) {
        List<String> out = new ArrayList<>();
        for (String event : stream.split("\n\n")) {
            if (!event.isBlank()) {
                assertTrue(event.startsWith("data: "), event);
                out.add(event.substring(6));
            }
        }
        return out;
    }

    @Test
    void aCompletionFromAnthropicWithTheRequestTranslated() {
        Response r = chat("""
                {"model": "anthropic/claude-sonnet-4-5", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}""");
        assertEquals(200, r.statusCode(), r.asString());
        JsonObject completion = new JsonObject(r.asString());
        assertEquals("chat.completion", completion.getString("object"));
        assertEquals(FakeAnthropic.TEXT, completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
        assertEquals("stop", completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        assertNull(r.header("request-id"), "Anthropic's request id describes another API's call");
        assertTrue(r.header("content-type").startsWith("application/json"), r.header("content-type"));
        assertEquals(FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_INPUT_TOKENS, completion.getJsonObject("usage").getInteger("prompt_tokens"));
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, completion.getJsonObject("usage").getInteger("completion_tokens"));
        FakeAnthropic.Received sent = anthropic.receivedList().get(0);
        assertEquals("/v1/messages", sent.path());
        assertEquals(GatewayTestResource.ANTHROPIC_KEY_CANARY, sent.headers().get("x-api-key"));
        assertEquals("2023-06-01", sent.headers().get("anthropic-version"));
        assertEquals(new JsonObject().put("model", "claude-sonnet-4-5").put("system", "Be brief.").put("max_tokens", 4096)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"))), sent.json());
    }

    @Test
    void aStreamBecomesChunksWithUsageWhenAskedAndIsChargedEitherWay() {
        Response asked = chat("""
                {"model": "anthropic/claude-sonnet-4-5", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "Hi"}]}""");
        assertEquals(200, asked.statusCode(), asked.asString());
        List<String> data = data(asked.asString());
        assertEquals("[DONE]", data.get(data.size() - 1));
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonObject chunk = new JsonObject(d);
            if (!chunk.getJsonArray("choices").isEmpty() && chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getValue("content") instanceof String s) {
                text.append(s);
            }
        }
        assertEquals(FakeAnthropic.TEXT, text.toString());
        JsonObject usage = new JsonObject(data.get(data.size() - 2)).getJsonObject("usage");
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, usage.getInteger("completion_tokens"));

        Response unasked = chat("""
                {"model": "anthropic/claude-unasked-usage", "stream": true, "messages": [{"role": "user", "content": "Hi"}]}""");
        assertFalse(unasked.asString().contains("\"usage\""), unasked.asString());
        JsonObject row = Await.value("the stream's log row", () -> new JsonObject(given().get("/api/logs?limit=50").asString())
                .getJsonArray("data").stream().map(JsonObject.class::cast)
                .filter(e -> "anthropic/claude-unasked-usage".equals(e.getString("requested_model"))).findFirst().orElse(null), e -> e != null);
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, row.getInteger("output_tokens"), "usage known though the client did not ask: " + row);
    }

    @Test
    void aToolCallStreamsAsToolCallChunks() {
        Response r = chat("""
                {"model": "anthropic/tool-use", "stream": true, "messages": [{"role": "user", "content": "Paris?"}],
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]}""");
        StringBuilder args = new StringBuilder();
        String id = null;
        String finish = null;
        for (String d : data(r.asString())) {
            if (d.equals("[DONE]")) {
                continue;
            }
            JsonObject choice = new JsonObject(d).getJsonArray("choices").getJsonObject(0);
            if (choice.getJsonObject("delta").getValue("tool_calls") instanceof JsonArray calls) {
                JsonObject call = calls.getJsonObject(0);
                id = call.getString("id", id);
                args.append(call.getJsonObject("function").getString("arguments"));
            }
            finish = choice.getString("finish_reason", finish);
        }
        assertEquals(FakeAnthropic.TOOL_ID, id);
        assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(args.toString()));
        assertEquals("tool_calls", finish);
        JsonObject sent = anthropic.receivedList().get(0).json();
        assertEquals("get_weather", sent.getJsonArray("tools").getJsonObject(0).getString("name"));
    }

    @Test
    void anthropicsErrorsReachOpenAiClientsInOpenAisShape() {
        Response overloaded = chat("{\"model\": \"anthropic/status-529\", \"messages\": []}");
        assertEquals(503, overloaded.statusCode(), "529 is OpenAI's 503 (retried once first): " + overloaded.asString());
        assertEquals("overloaded_error", new JsonObject(overloaded.asString()).getJsonObject("error").getString("type"));
        assertEquals(2, anthropic.receivedList().size());
        Response refused = chat("{\"model\": \"anthropic/claude-sonnet-4-5\", \"n\": 2, \"messages\": []}");
        assertEquals(400, refused.statusCode(), refused.asString());
        JsonObject error = new JsonObject(refused.asString()).getJsonObject("error");
        assertEquals("n", error.getString("param"));
        assertEquals("unsupported_field", error.getString("code"));
        assertEquals(2, anthropic.receivedList().size(), "nothing untranslatable is sent");
        Response broken = chat("{\"model\": \"anthropic/error-mid-stream\", \"stream\": true, \"messages\": []}");
        List<String> data = data(broken.asString());
        assertEquals("overloaded_error", new JsonObject(data.get(data.size() - 1)).getJsonObject("error").getString("type"));
    }
}
