package dev.heimdall.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.provider.Endpoint;
import dev.heimdall.provider.InferenceRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestScannerTest {

    static InferenceRequest scan(String body) {
        return RequestScanner.scan(Endpoint.CHAT_COMPLETIONS, body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiException rejected(String body) {
        return assertThrows(ApiException.class, () -> scan(body));
    }

    @Test
    void findsModelAndStreamAndRewritesOnlyTheModelBytes() {
        String body = "{ \"messages\": [{\"role\": \"user\", \"content\": \"hi \\\"model\\\"\"}],\n  \"model\" :\t\"openai/glm-5\", "
                + "\"stream\": true, \"x_unknown\": {\"model\": \"inner\"}, \"temperature\": 0.25 }";
        InferenceRequest r = scan(body);
        assertEquals("openai/glm-5", r.model());
        assertTrue(r.stream());
        String rewritten = r.bodyFor("glm-5", false).toString();
        assertEquals(body.replace("\"openai/glm-5\"", "\"glm-5\""), rewritten);
        assertEquals(body, r.bodyFor("openai/glm-5", false).toString(), "unchanged name: body as sent");
    }

    @Test
    void rewriteEscapesAndHandlesMultibyteText() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"héllo ✓ 日本\"}],\"model\":\"caf\\u00e9\"}";
        InferenceRequest r = scan(body);
        assertEquals("café", r.model());
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"héllo ✓ 日本\"}],\"model\":\"a\\\"b\"}",
                r.bodyFor("a\"b", false).toString());
    }

    @Test
    void streamDefaultsToFalse() {
        assertFalse(scan("{\"model\": \"m\", \"messages\": []}").stream());
    }

    @Test
    void badBodiesAreClear400s() {
        assertEquals("missing_model", rejected("{\"messages\": []}").error().code());
        assertEquals("missing_model", rejected("{\"model\": \"  \"}").error().code());
        assertEquals("empty_body", assertThrows(ApiException.class,
                () -> RequestScanner.scan(Endpoint.CHAT_COMPLETIONS, new byte[0])).error().code());
        assertEquals("model", rejected("{\"model\": 5}").error().param());
        assertEquals("stream", rejected("{\"model\": \"m\", \"stream\": \"yes\"}").error().param());
        assertEquals("messages", rejected("{\"model\": \"m\", \"messages\": \"hi\"}").error().param());
        assertEquals("invalid_json", rejected("[1, 2]").error().code());
        assertEquals("invalid_json", rejected("{\"model\": \"m\"} trailing").error().code());
        assertEquals("invalid_json", rejected("{\"model\": \"m\", \"model\": \"n\"}").error().code());
        assertTrue(rejected("{\"model\": \"m\",\n \"x\": tru}").error().message().contains("line 2"));
        assertEquals("invalid_json", rejected("{\"model\": \"m\"").error().code());
        assertEquals(400, rejected("{\"model\": \"m\", \"a\": " + "[".repeat(2000)).error().status(), "deep nesting is refused, not a stack overflow");
    }

    @Test
    void embeddingsNeedNoMessages() {
        InferenceRequest r = RequestScanner.scan(Endpoint.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"x\",\"messages\":1}".getBytes());
        assertEquals("e", r.model());
    }

    /** The gateway asks a stream's upstream for usage whatever the client sent, and the result is the same JSON plus that. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"stream\":true,\"messages\":[]}",
        " { \"stream\": true, \"model\": \"m\" }",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{}}",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}}",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}}",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"x\":1,\"include_usage\":null}}",
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":null,\"fallbacks\":[\"a/b\"]}",
    })
    void askingForUsageKeepsEveryOtherFieldAndMakesValidJson(String body) {
        InferenceRequest r = scan(body);
        assertTrue(r.streamWithoutUsage());
        io.vertx.core.json.JsonObject sent = new io.vertx.core.json.JsonObject(r.bodyFor("up", true));
        io.vertx.core.json.JsonObject original = new io.vertx.core.json.JsonObject(body);
        assertEquals(true, sent.getJsonObject("stream_options").getBoolean("include_usage"));
        assertEquals("up", sent.getString("model"));
        assertFalse(sent.containsKey("fallbacks"));
        original.remove("fallbacks");
        original.put("model", "up");
        io.vertx.core.json.JsonObject options = original.getValue("stream_options") instanceof io.vertx.core.json.JsonObject o
                ? o : new io.vertx.core.json.JsonObject();
        original.put("stream_options", options.put("include_usage", true));
        assertEquals(original, sent);
    }

    @Test
    void aClientThatAskedForUsageIsSentAsItWrote() {
        String body = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        InferenceRequest r = scan(body);
        assertFalse(r.streamWithoutUsage());
        assertEquals(body, r.bodyFor("m", true).toString());
    }
}
