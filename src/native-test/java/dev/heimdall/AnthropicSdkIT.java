package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's official Java SDK against the packaged gateway's {@code /anthropic}, as Claude Code's users
 * point it there ({@code ANTHROPIC_BASE_URL}), with an OpenAI-compatible (vLLM-style) model behind it:
 * a whole answer, a stream, a tool round trip, and errors the SDK raises as its own exceptions.
 */
class AnthropicSdkIT {

    private static PackagedGateway gateway;
    private static FakeOpenAi vllm;
    private static AnthropicClient claude;

    @BeforeAll
    static void start() throws Exception {
        vllm = new FakeOpenAi();
        gateway = PackagedGateway.start(GatewayTestResource.config(vllm.baseUrl()));
        // What ANTHROPIC_BASE_URL holds; the key is no virtual key and the gateway requires none here.
        claude = AnthropicOkHttpClient.builder().baseUrl(gateway.base() + "/anthropic").apiKey("sk-ant-anything").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (claude != null) {
            claude.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (vllm != null) {
            vllm.close();
        }
    }

    private static MessageCreateParams.Builder ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("You are terse.").addUserMessage("Weather in Paris?");
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build()).build())
                .build();
    }

    private static String text(Message m) {
        return m.content().stream().flatMap(b -> b.text().stream()).map(t -> t.text()).collect(Collectors.joining());
    }

    @Test
    void aWholeAnswerFromAVllmModel() {
        Message m = claude.messages().create(ask("vllm/glm5").build());
        assertEquals("hello from glm5", text(m));
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertEquals(3, m.usage().inputTokens());
        assertEquals(4, m.usage().outputTokens());
    }

    @Test
    void aStreamAccumulatesToTheWholeMessage() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = claude.messages().createStreaming(ask("vllm/glm5").build())) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertEquals("tok0tok1tok2tok3tok4", text(m));
        assertEquals(5, m.usage().outputTokens());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aToolRoundTripStreamedThenAnswered() {
        MessageCreateParams first = ask("xai/tool-call").addTool(weatherTool()).build();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = claude.messages().createStreaming(first)) {
            stream.stream().forEach(acc::accumulate);
        }
        Message asked = acc.message();
        assertEquals(StopReason.TOOL_USE, asked.stopReason().orElseThrow());
        ToolUseBlock use = asked.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertEquals("get_weather", use.name());
        assertEquals(JsonValue.from(Map.of("city", "Paris")), use._input());

        vllm.reset();
        MessageCreateParams second = ask("vllm/glm5").addTool(weatherTool()).addMessage(asked)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18C and sunny").build())))
                .build();
        Message answer = claude.messages().create(second);
        assertEquals("hello from glm5", text(answer));
        List<Object> history = vllm.receivedList().get(0).json().getJsonArray("messages").getList();
        JsonObject call = new JsonObject((Map<String, Object>) history.get(2)).getJsonArray("tool_calls").getJsonObject(0);
        assertEquals(use.id(), call.getString("id"));
        assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(call.getJsonObject("function").getString("arguments")));
        assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", use.id()).put("content", "18C and sunny"),
                new JsonObject((Map<String, Object>) history.get(3)));
    }

    @Test
    void errorsAreTheSdksOwnExceptions() {
        NotFoundException missing = assertThrows(NotFoundException.class, () -> claude.messages().create(ask("no-such-model").build()));
        assertTrue(missing.getMessage().contains("no-such-model"), missing.getMessage());
        OverloadedException overloaded = assertThrows(OverloadedException.class,
                () -> claude.messages().create(ask("anthropic/status-529").build()));
        assertEquals(529, overloaded.statusCode());
    }
}
