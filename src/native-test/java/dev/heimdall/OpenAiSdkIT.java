package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.heimdall.testing.FakeAnthropic;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Java SDK against the packaged gateway's {@code /v1} with an Anthropic model behind it,
 * translated to the Messages API: a whole answer, a stream with its usage, a tool round trip, and errors
 * as the SDK's own exceptions.
 */
class OpenAiSdkIT {

    private static PackagedGateway gateway;
    /** Where the configuration's OpenAI-compatible providers point; these tests call Anthropic only. */
    private static FakeOpenAi upstream;
    private static FakeAnthropic anthropic;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeOpenAi();
        anthropic = GatewayTestResource.anthropic();
        gateway = PackagedGateway.start(GatewayTestResource.config(upstream.baseUrl()));
        openai = OpenAIOkHttpClient.builder().baseUrl(gateway.base() + "/v1").apiKey("sk-anything").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (openai != null) {
            openai.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Weather in Paris?");
    }

    private static FunctionDefinition weather() {
        return FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build()).build();
    }

    @Test
    void aWholeAnswerFromAnthropic() {
        ChatCompletion c = openai.chat().completions().create(ask("anthropic/claude-sonnet-4-5").build());
        assertEquals(FakeAnthropic.TEXT, c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(FakeAnthropic.INPUT_TOKENS + FakeAnthropic.CACHE_READ_INPUT_TOKENS, c.usage().orElseThrow().promptTokens());
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, c.usage().orElseThrow().completionTokens());
    }

    @Test
    void aStreamAccumulatesWithItsUsage() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ask("anthropic/claude-sonnet-4-5")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertEquals(FakeAnthropic.TEXT, c.choices().get(0).message().content().orElseThrow());
        assertEquals(FakeAnthropic.OUTPUT_TOKENS, c.usage().orElseThrow().completionTokens());
    }

    @Test
    void aToolRoundTrip() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(ask("anthropic/tool-use")
                .addFunctionTool(weather()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletionMessage asked = acc.chatCompletion().choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = asked.toolCalls().orElseThrow().get(0).asFunction();
        assertEquals(FakeAnthropic.TOOL_ID, call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(call.function().arguments()));

        anthropic.reset();
        ChatCompletion answer = openai.chat().completions().create(ask("anthropic/claude-sonnet-4-5").addFunctionTool(weather())
                .addMessage(asked).addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18C").build()).build());
        assertEquals(FakeAnthropic.TEXT, answer.choices().get(0).message().content().orElseThrow());
        JsonArray history = anthropic.receivedList().get(0).json().getJsonArray("messages");
        JsonObject use = history.getJsonObject(1).getJsonArray("content").stream().map(JsonObject.class::cast)
                .filter(b -> "tool_use".equals(b.getString("type"))).findFirst().orElseThrow();
        assertEquals(FakeAnthropic.TOOL_ID, use.getString("id"));
        assertEquals(new JsonObject().put("city", "Paris"), use.getJsonObject("input"));
        assertEquals(new JsonObject().put("type", "tool_result").put("tool_use_id", FakeAnthropic.TOOL_ID).put("content", "18C"),
                history.getJsonObject(2).getJsonArray("content").getJsonObject(0));
    }

    @Test
    void errorsAreTheSdksOwnExceptions() {
        InternalServerException overloaded = assertThrows(InternalServerException.class,
                () -> openai.chat().completions().create(ask("anthropic/status-529").build()));
        assertEquals(503, overloaded.statusCode());
        BadRequestException refused = assertThrows(BadRequestException.class,
                () -> openai.chat().completions().create(ask("anthropic/claude-sonnet-4-5").n(2).build()));
        assertEquals(400, refused.statusCode());
    }
}
