package dev.heimdall.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.exchange.Usage;
import dev.heimdall.provider.AnswerTranslation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic messages and event streams as OpenAI chat completions and chunk streams. */
class MessageAnswerToChatTest {

    @Test
    void aMessageWithThinkingTextAndToolUseBecomesACompletion() {
        String message = """
                {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [
                  {"type": "thinking", "thinking": "weather needed", "signature": "sig"},
                  {"type": "text", "text": "Checking."},
                  {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}],
                 "stop_reason": "tool_use", "stop_sequence": null,
                 "usage": {"input_tokens": 10, "output_tokens": 6, "cache_read_input_tokens": 4, "cache_creation_input_tokens": 2}}""";
        AnswerTranslation t = new MessageToChat();
        assertEquals(0, t.onChunk(Buffer.buffer(message)).length());
        JsonObject chat = t.onEnd().toJsonObject();
        JsonObject choice = chat.getJsonArray("choices").getJsonObject(0);
        assertEquals("chatcmpl-msg_1", chat.getString("id"));
        assertEquals("chat.completion", chat.getString("object"));
        assertEquals("tool_calls", choice.getString("finish_reason"));
        assertEquals(new JsonObject("""
                {"role": "assistant", "content": "Checking.", "reasoning_content": "weather needed", "tool_calls": [
                  {"id": "toolu_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}]}"""),
                choice.getJsonObject("message"));
        assertEquals(new JsonObject("""
                {"prompt_tokens": 16, "completion_tokens": 6, "total_tokens": 22, "prompt_tokens_details": {"cached_tokens": 4}}"""),
                chat.getJsonObject("usage"), "OpenAI counts cached and cache-written input inside prompt_tokens");
        assertEquals(new Usage(16L, 6L, 4L, Usage.Source.UPSTREAM), t.usage());
    }

    private static String events(String... events) {
        StringBuilder b = new StringBuilder();
        for (String e : events) {
            b.append("event: ").append(new JsonObject(e).getString("type")).append("\ndata: ").append(e).append("\n\n");
        }
        return b.toString();
    }

    private static final String STREAM = events(
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":25,\"output_tokens\":1,\"cache_read_input_tokens\":5}}}",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"s\"}}",
            "{\"type\":\"content_block_stop\",\"index\":0}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
            "{\"type\":\"content_block_stop\",\"index\":1}",
            "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"f\",\"input\":{}}}",
            "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}",
            "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}",
            "{\"type\":\"content_block_stop\",\"index\":2}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":14}}",
            "{\"type\":\"message_stop\"}");

    /** The chunks' data, fed in {@code size}-byte pieces. */
    private static List<String> chunks(String stream, int size, AnswerTranslation t) {
        StringBuilder out = new StringBuilder();
        for (int at = 0; at < stream.length(); at += size) {
            out.append(t.onChunk(Buffer.buffer(stream.substring(at, Math.min(stream.length(), at + size)))));
        }
        Buffer rest = t.onEnd();
        out.append(rest == null ? "" : rest.toString());
        List<String> data = new ArrayList<>();
        for (String event : out.toString().split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
            data.add(event.substring(6));
        }
        return data;
    }

    @Test
    void anEventStreamBecomesChunksWithTheUsageChunkOnlyWhenAskedFor() {
        for (int size : new int[] {5, 100, STREAM.length()}) {
            AnswerTranslation t = new MessageEventsToChatStream(true);
            List<String> data = chunks(STREAM, size, t);
            assertEquals("[DONE]", data.get(data.size() - 1));
            List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
            List<JsonObject> deltas = chunks.stream().filter(c -> !c.getJsonArray("choices").isEmpty())
                    .map(c -> c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta")).toList();
            assertEquals(List.of(new JsonObject().put("role", "assistant").put("content", ""),
                    new JsonObject().put("reasoning_content", "hmm"),
                    new JsonObject().put("content", "Hi"),
                    new JsonObject("{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_9\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"),
                    new JsonObject("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}"),
                    new JsonObject("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}"),
                    new JsonObject()), deltas, "chunks of " + size);
            JsonObject last = chunks.get(chunks.size() - 1);
            assertEquals(new JsonObject("{\"prompt_tokens\":30,\"completion_tokens\":14,\"total_tokens\":44,\"prompt_tokens_details\":{\"cached_tokens\":5}}"),
                    last.getJsonObject("usage"));
            assertEquals("tool_calls", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
            assertTrue(chunks.stream().allMatch(c -> "chatcmpl-msg_2".equals(c.getString("id")) && "chat.completion.chunk".equals(c.getString("object"))));
            assertEquals(new Usage(30L, 14L, 5L, Usage.Source.UPSTREAM), t.usage());
        }
        List<String> unasked = chunks(STREAM, 64, new MessageEventsToChatStream(false));
        assertTrue(unasked.stream().noneMatch(d -> d.contains("\"usage\"")), "no usage chunk the client did not ask for");
    }

    @Test
    void anErrorEventBecomesOpenAisErrorEvent() {
        String stream = events("{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        List<String> data = chunks(stream, 1000, new MessageEventsToChatStream(false));
        JsonObject error = new JsonObject(data.get(data.size() - 1)).getJsonObject("error");
        assertEquals("overloaded_error", error.getString("type"));
        assertEquals("Overloaded", error.getString("message"));
    }
}
