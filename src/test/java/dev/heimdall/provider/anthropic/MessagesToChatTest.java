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

/** Every mapping of an Anthropic Messages request onto a chat completion request, one row each. */
class MessagesToChatTest {

    static Stream<Arguments> mappings() {
        return Stream.of(
                Arguments.of("a string system and a string turn",
                        """
                        {"model": "glm-5", "max_tokens": 100, "system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}]}""",
                        """
                        {"model": "up", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                         "max_tokens": 100}"""),
                Arguments.of("system text blocks joined, cache_control left out",
                        """
                        {"model": "m", "system": [{"type": "text", "text": "A"}, {"type": "text", "text": "B", "cache_control": {"type": "ephemeral"}}],
                         "messages": [{"role": "user", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "system", "content": "A\\n\\nB"}, {"role": "user", "content": "x\\n\\ny"}]}"""),
                Arguments.of("images: base64 as a data URI, url as is",
                        """
                        {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "what?"},
                          {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
                          {"type": "image", "source": {"type": "url", "url": "https://x/y.jpg"}}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "user", "content": [{"type": "text", "text": "what?"},
                          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}},
                          {"type": "image_url", "image_url": {"url": "https://x/y.jpg"}}]}]}"""),
                Arguments.of("a PDF as a file part, a text document as text",
                        """
                        {"model": "m", "messages": [{"role": "user", "content": [
                          {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"}},
                          {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain"}}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "user", "content": [
                          {"type": "file", "file": {"filename": "document.pdf", "file_data": "data:application/pdf;base64,JVBER"}},
                          {"type": "text", "text": "plain"}]}]}"""),
                Arguments.of("tool use history: tool_use as tool_calls, tool_result as tool messages before the rest of the turn",
                        """
                        {"model": "m", "messages": [
                          {"role": "user", "content": "weather in Paris and Rome?"},
                          {"role": "assistant", "content": [{"type": "thinking", "thinking": "two calls", "signature": "sig"},
                            {"type": "text", "text": "Checking."},
                            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
                            {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {"city": "Rome"}}]},
                          {"role": "user", "content": [
                            {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
                            {"type": "tool_result", "tool_use_id": "toolu_2", "is_error": true, "content": [{"type": "text", "text": "timeout"}]},
                            {"type": "text", "text": "and?"}]}]}""",
                        """
                        {"model": "up", "messages": [
                          {"role": "user", "content": "weather in Paris and Rome?"},
                          {"role": "assistant", "content": "Checking.", "reasoning_content": "two calls", "tool_calls": [
                            {"id": "toolu_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}},
                            {"id": "toolu_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Rome\\"}"}}]},
                          {"role": "tool", "tool_call_id": "toolu_1", "content": "18C"},
                          {"role": "tool", "tool_call_id": "toolu_2", "content": "Error: timeout"},
                          {"role": "user", "content": "and?"}]}"""),
                Arguments.of("an assistant turn of tool calls only has null content",
                        """
                        {"model": "m", "messages": [{"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "assistant", "content": null, "tool_calls": [
                          {"id": "t", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}"""),
                Arguments.of("an image in a tool result follows as a user part",
                        """
                        {"model": "m", "messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [
                          {"type": "text", "text": "screenshot:"}, {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AA"}}]}]}]}""",
                        """
                        {"model": "up", "messages": [{"role": "tool", "tool_call_id": "t", "content": "screenshot:"},
                          {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]}]}"""),
                Arguments.of("tools, a named tool_choice without parallel calls",
                        """
                        {"model": "m", "messages": [], "tools": [{"name": "get_weather", "description": "Weather", "input_schema":
                          {"type": "object", "properties": {"city": {"type": "string"}}}}, {"name": "noop"}],
                         "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}}""",
                        """
                        {"model": "up", "messages": [], "tools": [
                          {"type": "function", "function": {"name": "get_weather", "description": "Weather",
                            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
                          {"type": "function", "function": {"name": "noop", "parameters": {"type": "object"}}}],
                         "tool_choice": {"type": "function", "function": {"name": "get_weather"}}, "parallel_tool_calls": false}"""),
                Arguments.of("tool_choice any is required, none is none, auto is auto",
                        """
                        {"model": "m", "messages": [], "tool_choice": {"type": "any"}}""",
                        """
                        {"model": "up", "messages": [], "tool_choice": "required"}"""),
                Arguments.of("sampling, stop sequences, user, thinking, streaming with usage asked",
                        """
                        {"model": "m", "messages": [], "max_tokens": 8, "temperature": 0.2, "top_p": 0.9, "top_k": 40,
                         "stop_sequences": ["END"], "metadata": {"user_id": "u-1"}, "thinking": {"type": "enabled", "budget_tokens": 10000},
                         "stream": true, "service_tier": "auto", "fallbacks": ["openai/gpt-4o"]}""",
                        """
                        {"model": "up", "messages": [], "max_tokens": 8, "temperature": 0.2, "top_p": 0.9, "top_k": 40, "stop": ["END"],
                         "user": "u-1", "reasoning_effort": "medium", "stream": true, "stream_options": {"include_usage": true}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void translates(String name, String anthropic, String openAi) {
        JsonObject out = MessagesToChat.translate(anthropic.getBytes(StandardCharsets.UTF_8), "up", true);
        assertEquals(new JsonObject(openAi), out);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("{\"model\": \"m\", \"messages\": [], \"tools\": [{\"type\": \"web_search_20250305\", \"name\": \"web_search\"}]}",
                        "tools[0].type"),
                Arguments.of("{\"model\": \"m\", \"messages\": [], \"mcp_servers\": [{\"url\": \"https://x\"}]}", "mcp_servers"),
                Arguments.of("{\"model\": \"m\", \"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}", "messages[0].role"),
                Arguments.of("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\", \"source\": {\"type\": \"file\", \"file_id\": \"f\"}}]}]}",
                        "messages[0].content[0].source.type"),
                Arguments.of("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"search_result\"}]}]}",
                        "messages[0].content[0].type"),
                Arguments.of("{\"model\": \"m\", \"messages\": \"hi\"}", "messages"));
    }

    @ParameterizedTest(name = "refuses {1}")
    @MethodSource("refusals")
    void whatCannotBeExpressedIsRefusedNamingTheField(String anthropic, String param) {
        UntranslatableException e = assertThrows(UntranslatableException.class,
                () -> MessagesToChat.translate(anthropic.getBytes(StandardCharsets.UTF_8), "up", true));
        assertEquals(param, e.param(), e.getMessage());
    }
}
