package dev.heimdall.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.exchange.Exchange;
import dev.heimdall.exchange.Exchanges;
import dev.heimdall.exchange.TraceContext;
import dev.heimdall.exchange.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spans of an exchange, built as the telemetry thread builds them. */
class GenAiSpansTest {

    private static final int CONTENT_LIMIT = 32_768;

    private static Exchange exchange(boolean content, int attempts) {
        Exchange ex = new Exchanges(List.of()).begin(Exchange.Dialect.OPENAI, "chat", MultiMap.caseInsensitiveMultiMap());
        ex.trace(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", null, TraceContext.newSpanId(), "01"), "s1", null, content);
        ex.request("openai/glm-5", false, ("{\"model\":\"openai/glm-5\",\"temperature\":0.5,\"stop\":\"END\",\"user\":\"bob\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < attempts; i++) {
            ex.attemptStarted("openai", "glm-5", "primary", "127.0.0.1", 8000);
            if (i < attempts - 1) {
                ex.attemptFailed(503, "503");
            }
        }
        ex.answerStarted(200, false);
        ex.answerChunk(Buffer.buffer("{\"id\":\"c1\",\"model\":\"glm-5\",\"choices\":[{\"message\":{\"content\":\"secret answer\"},"
                + "\"finish_reason\":\"stop\"}]}"));
        ex.answerReported(Usage.reported(3L, 4L, null), "glm-5", 0);
        ex.complete(200, null);
        return ex;
    }

    @Test
    void disabledContentLoggingLeavesMessagesOutAndKeepsTheRest() {
        List<ExchangeSpan> spans = GenAiSpans.of(exchange(false, 1), CONTENT_LIMIT);
        assertEquals(1, spans.size());
        var a = spans.get(0).attributes();
        assertNull(a.get("gen_ai.input.messages"));
        assertNull(a.get("gen_ai.output.messages"));
        assertFalse(a.toString().contains("secret"), "no content anywhere: " + a);
        assertEquals(0.5, a.get("gen_ai.request.temperature"));
        assertEquals(List.of("END"), a.get("gen_ai.request.stop_sequences"));
        assertEquals("bob", a.get("langfuse.user.id"));
        assertEquals(4L, a.get("gen_ai.usage.output_tokens"));
        assertEquals(List.of("stop"), a.get("gen_ai.response.finish_reasons"));
    }

    @Test
    void capturedContentIsTheGenAiPartsFormat() {
        var a = GenAiSpans.of(exchange(true, 1), CONTENT_LIMIT).get(0).attributes();
        assertEquals("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"secret prompt\"}]}]",
                a.get("gen_ai.input.messages"));
        assertEquals("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"secret answer\"}],\"finish_reason\":\"stop\"}]",
                a.get("gen_ai.output.messages"));
    }

    @Test
    void retriesAreChildrenAndTheFirstAttemptKeepsTheGenerationsIdUpstream() {
        Exchange ex = exchange(false, 3);
        List<ExchangeSpan> spans = GenAiSpans.of(ex, CONTENT_LIMIT);
        assertEquals(4, spans.size());
        ExchangeSpan generation = spans.get(0);
        assertEquals(3L, generation.attributes().get("heimdall.attempts"));
        for (ExchangeSpan child : spans.subList(1, 4)) {
            assertEquals(TraceContext.hex(generation.spanId()), child.parentSpanId());
            assertTrue(child.startEpochNanos() >= generation.startEpochNanos());
        }
        assertEquals("503", spans.get(1).attributes().get("error.type"));
        assertEquals(ex.attempts().get(1).spanId(), spans.get(2).spanId(),
                "a retry's span is the one its upstream call named in traceparent");
    }

    @Test
    void anAnswerIsReadPastOddChoicesAndGivesOneTextPerChoice() {
        Exchange ex = new Exchanges(List.of()).begin(Exchange.Dialect.OPENAI, "chat", MultiMap.caseInsensitiveMultiMap());
        ex.trace(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", null, TraceContext.newSpanId(), "01"), null, null, true);
        ex.request("openai/glm-5", false, "{\"model\":\"openai/glm-5\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8));
        ex.attemptStarted("openai", "glm-5", "primary", "127.0.0.1", 8000);
        ex.answerStarted(200, false);
        ex.answerChunk(Buffer.buffer("{\"choices\":[null,{\"message\":{\"content\":\"chat text\"},\"text\":\"legacy text\","
                + "\"finish_reason\":\"stop\"}],\"id\":\"late-id\"}"));
        ex.complete(200, null);
        var a = GenAiSpans.of(ex, CONTENT_LIMIT).get(0).attributes();
        assertEquals("late-id", a.get("gen_ai.response.id"), "fields after a null choice are still read");
        assertEquals("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"chat text\"}],\"finish_reason\":\"stop\"}]",
                a.get("gen_ai.output.messages"));
    }

    @Test
    void textIsCopiedAsTheClientEscapedItAndStaysValidJson() {
        String body = "{\"model\":\"m\",\"messages\":[{\"content\":\"say \\\"hi\\\" \\\\\",\"role\":\"system\"},"
                + "{\"role\":\"user\",\"content\":[{\"text\":\"caf\\u00e9 \\\\\\\"q\\\"\",\"type\":\"text\"}]}]}";
        String messages = new String(RequestFacts.read(body.getBytes(StandardCharsets.UTF_8), true, 1000).inputMessages(), StandardCharsets.UTF_8);
        io.vertx.core.json.JsonArray parsed = new io.vertx.core.json.JsonArray(messages);
        assertEquals("system", parsed.getJsonObject(0).getString("role"), "role after content is still the message's role");
        assertEquals("say \"hi\" \\", parsed.getJsonObject(0).getJsonArray("parts").getJsonObject(0).getString("content"));
        assertEquals("café \\\"q\"", parsed.getJsonObject(1).getJsonArray("parts").getJsonObject(0).getString("content"));
    }

    @Test
    void anAnthropicStreamShowsItsSystemPromptUserTextAndStopReason() {
        Exchange ex = new Exchanges(List.of()).begin(Exchange.Dialect.ANTHROPIC, "chat", MultiMap.caseInsensitiveMultiMap());
        ex.trace(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", null, TraceContext.newSpanId(), "01"), null, null, true);
        ex.request("glm-5", true, ("{\"model\":\"glm-5\",\"max_tokens\":64,\"stream\":true,\"stop_sequences\":[\"END\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"http://x/y.png\"}}]}],"
                + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\"}],\"metadata\":{\"user_id\":\"carol\"}}")
                .getBytes(StandardCharsets.UTF_8));
        ex.attemptStarted("openai", "glm-5", "primary", "127.0.0.1", 8000);
        ex.answerStarted(200, true);
        ex.answerChunk(Buffer.buffer("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"glm-5","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: ping
                data: {"type":"ping"}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi "}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"there"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """));
        ex.complete(200, null);
        var a = GenAiSpans.of(ex, CONTENT_LIMIT).get(0).attributes();
        assertEquals("[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"be brief\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"hello\"},{\"type\":\"image\"}]}]",
                a.get("gen_ai.input.messages"), "the system prompt comes first though the client wrote it last");
        assertEquals("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi there\"}],\"finish_reason\":\"end_turn\"}]",
                a.get("gen_ai.output.messages"));
        assertEquals("msg_1", a.get("gen_ai.response.id"));
        assertEquals("glm-5", a.get("gen_ai.response.model"));
        assertEquals("carol", a.get("langfuse.user.id"));
        assertEquals(List.of("END"), a.get("gen_ai.request.stop_sequences"));
        assertEquals(64L, a.get("gen_ai.request.max_tokens"));
    }

    @Test
    void anAnthropicMessageShowsItsTextBlocksOnly() {
        Exchange ex = new Exchanges(List.of()).begin(Exchange.Dialect.ANTHROPIC, "chat", MultiMap.caseInsensitiveMultiMap());
        ex.trace(new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", null, TraceContext.newSpanId(), "01"), null, null, true);
        ex.request("claude", false, "{\"model\":\"claude\",\"system\":\"terse\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8));
        ex.attemptStarted("anthropic", "claude", "primary", "127.0.0.1", 8000);
        ex.answerStarted(200, false);
        ex.answerChunk(Buffer.buffer("{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"s\"},{\"type\":\"text\",\"text\":\"Done.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{\"text\":\"not answer text\"}}],"
                + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}"));
        ex.complete(200, null);
        var a = GenAiSpans.of(ex, CONTENT_LIMIT).get(0).attributes();
        assertEquals("[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"terse\"}]}]", a.get("gen_ai.input.messages"));
        assertEquals("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Done.\"}],\"finish_reason\":\"tool_use\"}]",
                a.get("gen_ai.output.messages"));
        assertEquals(List.of("tool_use"), a.get("gen_ai.response.finish_reasons"));
    }
}
