package dev.heimdall.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnswerTranslation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Chat completions and their streams as Anthropic messages and event sequences. */
class ChatAnswerToMessageTest {

    @Test
    void aCompletionWithReasoningTextAndToolCallsBecomesAMessage() {
        String chat = """
                {"id": "chatcmpl-7", "object": "chat.completion", "model": "glm-5", "choices": [{"index": 0, "finish_reason": "tool_calls",
                  "message": {"role": "assistant", "reasoning_content": "need weather", "content": "Checking.", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}}],
                 "usage": {"prompt_tokens": 20, "completion_tokens": 7, "prompt_tokens_details": {"cached_tokens": 5}}}""";
        AnswerTranslation t = new ChatToMessage();
        // Split anywhere: the answer is held until it ends.
        Buffer first = t.onChunk(Buffer.buffer(chat.substring(0, 40)));
        Buffer second = t.onChunk(Buffer.buffer(chat.substring(40)));
        assertEquals(0, first.length() + second.length());
        JsonObject message = t.onEnd().toJsonObject();
        assertEquals(new JsonObject("""
                {"id": "msg_chatcmpl-7", "type": "message", "role": "assistant", "model": "glm-5", "content": [
                  {"type": "thinking", "thinking": "need weather", "signature": ""},
                  {"type": "text", "text": "Checking."},
                  {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}],
                 "stop_reason": "tool_use", "stop_sequence": null,
                 "usage": {"input_tokens": 15, "output_tokens": 7, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 5}}"""), message);
        assertEquals(new Usage(20L, 7L, 5L, Usage.Source.UPSTREAM), t.usage());
        assertEquals("glm-5", t.model());
    }

    static Stream<Arguments> stopReasons() {
        return Stream.of(Arguments.of("stop", "end_turn"), Arguments.of("length", "max_tokens"), Arguments.of("tool_calls", "tool_use"),
                Arguments.of("content_filter", "refusal"), Arguments.of(null, "end_turn"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("stopReasons")
    void finishReasonsBecomeStopReasons(String finish, String stop) {
        assertEquals(stop, ChatUsage.stopReason(finish));
    }

    /** The events of {@code stream}'s translation, fed in {@code chunkSize}-byte pieces; each as type then data. */
    private static List<JsonObject> events(String stream, int chunkSize, AnswerTranslation t) {
        StringBuilder out = new StringBuilder();
        for (int at = 0; at < stream.length(); at += chunkSize) {
            out.append(t.onChunk(Buffer.buffer(stream.substring(at, Math.min(stream.length(), at + chunkSize)))));
        }
        Buffer rest = t.onEnd();
        if (rest != null) {
            out.append(rest);
        }
        List<JsonObject> events = new ArrayList<>();
        for (String event : out.toString().split("\n\n")) {
            String[] lines = event.split("\n");
            JsonObject data = new JsonObject(lines[1].substring("data: ".length()));
            assertEquals("event: " + data.getString("type"), lines[0], "each event names its data's type");
            events.add(data);
        }
        return events;
    }

    private static String sse(String... chunks) {
        StringBuilder b = new StringBuilder();
        for (String c : chunks) {
            b.append("data: ").append(c).append("\n\n");
        }
        return b.append("data: [DONE]\n\n").toString();
    }

    @Test
    void aStreamWithReasoningTextAndTwoToolCallsBecomesAnthropicsEventSequence() {
        String stream = sse(
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"think\"}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}");
        for (int size : new int[] {7, 64, stream.length()}) {
            AnswerTranslation t = new ChatStreamToMessageEvents();
            List<JsonObject> events = events(stream, size, t);
            List<String> shape = events.stream().map(e -> e.getString("type") + (e.containsKey("delta") && e.getValue("delta") instanceof JsonObject d
                    && d.containsKey("type") ? ":" + d.getString("type") : e.containsKey("content_block")
                            ? ":" + e.getJsonObject("content_block").getString("type") : "")).toList();
            assertEquals(List.of("message_start", "content_block_start:thinking", "content_block_delta:thinking_delta", "content_block_stop",
                    "content_block_start:text", "content_block_delta:text_delta", "content_block_delta:text_delta", "content_block_stop",
                    "content_block_start:tool_use", "content_block_delta:input_json_delta", "content_block_delta:input_json_delta",
                    "content_block_stop", "content_block_start:tool_use", "content_block_delta:input_json_delta", "content_block_stop",
                    "message_delta", "message_stop"), shape, "chunks of " + size + " bytes");
            assertEquals(new JsonObject().put("type", "tool_use").put("id", "call_a").put("name", "f").put("input", new JsonObject()),
                    events.get(8).getJsonObject("content_block"));
            assertEquals(List.of(0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3),
                    events.subList(1, 15).stream().map(e -> e.getInteger("index")).toList(), "block indexes count from 0");
            JsonObject delta = events.get(15);
            assertEquals("tool_use", delta.getJsonObject("delta").getString("stop_reason"));
            assertEquals(new JsonObject().put("input_tokens", 30).put("output_tokens", 9).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0), delta.getJsonObject("usage"));
            assertEquals("{\"a\":1}", events.get(9).getJsonObject("delta").getString("partial_json")
                    + events.get(10).getJsonObject("delta").getString("partial_json"));
            assertEquals(new Usage(30L, 9L, null, Usage.Source.UPSTREAM), t.usage());
            assertEquals("msg_c1", events.get(0).getJsonObject("message").getString("id"));
        }
    }

    @Test
    void aStreamThatEndsWithoutDoneStillEndsTheMessageAndAnUpstreamErrorBecomesAnErrorEvent() {
        List<JsonObject> cut = events("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n", 1000,
                new ChatStreamToMessageEvents());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"),
                cut.stream().map(e -> e.getString("type")).toList());
        List<JsonObject> failed = events("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"engine overloaded\",\"type\":\"server_error\",\"code\":503}}\n\n", 1000,
                new ChatStreamToMessageEvents());
        JsonObject error = failed.get(failed.size() - 1);
        assertEquals(new JsonObject().put("type", "overloaded_error").put("message", "engine overloaded"), error.getJsonObject("error"));
        assertEquals(4, failed.size(), "nothing after the error: " + new JsonArray(failed));
    }
}
