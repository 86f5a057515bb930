package dev.heimdall.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heimdall.provider.UntranslatableException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every mapping of an OpenAI chat completion request onto Anthropic's Messages API, one row each. */
class ChatToMessagesTest {

    static Stream<Arguments> mappings() {
        return Stream.of(
                Arguments.of("system and developer messages as system; max_tokens defaults to 4096",
                        """
                        {"model": "claude", "messages": [{"role": "system", "content": "Be brief."}, {"role": "developer", "content": [{"type": "text", "text": "No lists."}]},
                          {"role": "user", "content": "Hi"}]}""",
                        """
                        {"model": "up", "system": "Be brief.\\n\\nNo lists.", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4096}"""),
                Arguments.of("images as base64 or url sources, a PDF as a document",
                        """
                        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "text", "text": "what?"},
                          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}},
                          {"type": "image_url", "image_url": {"url": "https://x/y.jpg", "detail": "high"}},
                          {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBER"}}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "user", "content": [{"type": "text", "text": "what?"},
                          {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
                          {"type": "image", "source": {"type": "url", "url": "https://x/y.jpg"}},
                          {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"}}]}], "max_tokens": 10}"""),
                Arguments.of("tool calls as tool_use, consecutive tool messages as one user turn of tool_result blocks",
                        """
                        {"model": "c", "max_completion_tokens": 50, "messages": [{"role": "user", "content": "Paris and Rome?"},
                          {"role": "assistant", "content": null, "tool_calls": [
                            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}},
                            {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Rome\\"}"}}]},
                          {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
                          {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "21C"}]},
                          {"role": "user", "content": "thanks"}]}""",
                        """
                        {"model": "up", "messages": [{"role": "user", "content": "Paris and Rome?"},
                          {"role": "assistant", "content": [
                            {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
                            {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"city": "Rome"}}]},
                          {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
                            {"type": "tool_result", "tool_use_id": "call_2", "content": "21C"}]},
                          {"role": "user", "content": "thanks"}], "max_tokens": 50}"""),
                Arguments.of("tools, a named tool_choice, no parallel calls",
                        """
                        {"model": "c", "max_tokens": 5, "messages": [], "tools": [{"type": "function", "function": {"name": "get_weather",
                          "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
                         "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "parallel_tool_calls": false}""",
                        """
                        {"model": "up", "messages": [], "max_tokens": 5, "tools": [{"name": "get_weather", "description": "Weather",
                          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                         "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}}"""),
                Arguments.of("required is any; sampling, stop, user, streaming; neutral defaults pass",
                        """
                        {"model": "c", "max_tokens": 5, "messages": [], "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "required",
                         "temperature": 0.3, "top_p": 0.8, "stop": "END", "user": "u-1", "stream": true, "stream_options": {"include_usage": true},
                         "n": 1, "presence_penalty": 0, "frequency_penalty": 0, "logprobs": false, "fallbacks": ["vllm/glm-5"]}""",
                        """
                        {"model": "up", "messages": [], "max_tokens": 5, "temperature": 0.3, "top_p": 0.8, "stop_sequences": ["END"],
                         "metadata": {"user_id": "u-1"}, "tools": [{"name": "f", "input_schema": {"type": "object"}}],
                         "tool_choice": {"type": "any"}, "stream": true}"""),
                Arguments.of("reasoning_effort as a thinking budget inside max_tokens",
                        """
                        {"model": "c", "max_tokens": 1000, "reasoning_effort": "medium", "messages": []}""",
                        """
                        {"model": "up", "messages": [], "thinking": {"type": "enabled", "budget_tokens": 4096}, "max_tokens": 5120}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void translates(String name, String openAi, String anthropic) {
        assertEquals(new JsonObject(anthropic), ChatToMessages.translate(openAi.getBytes(StandardCharsets.UTF_8), "up"));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"n\": 2}", "n"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"seed\": 7}", "seed"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"seed\": 0}", "seed"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"presence_penalty\": 0.5}", "presence_penalty"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"prediction\": {\"type\": \"content\", \"content\": \"x\"}}", "prediction"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"logprobs\": true}", "logprobs"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"response_format\": {\"type\": \"json_schema\"}}", "response_format"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"temperature\": 1.5}", "temperature"),
                Arguments.of("{\"model\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_audio\"}]}]}",
                        "messages[0].content[0].type"),
                Arguments.of("{\"model\": \"c\", \"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"x\", \"function\": {\"name\": \"f\", \"arguments\": \"not json\"}}]}]}",
                        "messages[0].tool_calls[0].function.arguments"),
                Arguments.of("{\"model\": \"c\", \"messages\": [], \"tools\": [{\"type\": \"custom\", \"custom\": {\"name\": \"x\"}}]}", "tools[0].type"));
    }

    @ParameterizedTest(name = "refuses {1}")
    @MethodSource("refusals")
    void whatAnthropicCannotExpressIsRefusedNamingTheField(String openAi, String param) {
        UntranslatableException e = assertThrows(UntranslatableException.class,
                () -> ChatToMessages.translate(openAi.getBytes(StandardCharsets.UTF_8), "up"));
        assertEquals(param, e.param(), e.getMessage());
    }
}
