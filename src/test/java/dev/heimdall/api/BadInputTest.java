package dev.heimdall.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed, oversized and unknown requests: every one a 4xx in OpenAI's shape, never a 5xx or a stack trace. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class BadInputTest {

    @TestHTTPResource("/")
    URI base;

    @Fake
    FakeOpenAi upstream;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final String CHAT = "/v1/chat/completions";
    static final String OK = "{\"model\": \"xai/glm-5\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    record Case(String name, String method, String path, String contentType, byte[] body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case post(String name, String body, int status, String code) {
        return new Case(name, "POST", CHAT, "application/json", body.getBytes(StandardCharsets.UTF_8), status, code);
    }

    static Case raw(String name, byte[] body, int status, String code) {
        return new Case(name, "POST", CHAT, "application/json", body, status, code);
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        // Body is not JSON, or not whole.
        c.add(post("empty body", "", 400, "empty_body"));
        c.add(post("whitespace only", "   \n ", 400, "invalid_json"));
        c.add(post("plain text", "hello", 400, "invalid_json"));
        c.add(post("truncated object", "{\"model\": \"xai/glm-5\"", 400, "invalid_json"));
        c.add(post("truncated string", "{\"model\": \"xai/gl", 400, "invalid_json"));
        c.add(post("missing colon", "{\"model\" \"xai/glm-5\"}", 400, "invalid_json"));
        c.add(post("trailing comma", "{\"model\": \"xai/glm-5\",}", 400, "invalid_json"));
        c.add(post("single quotes", "{'model': 'xai/glm-5'}", 400, "invalid_json"));
        c.add(post("unquoted key", "{model: \"xai/glm-5\"}", 400, "invalid_json"));
        c.add(post("comment", "{/* c */ \"model\": \"xai/glm-5\"}", 400, "invalid_json"));
        c.add(post("NaN", "{\"model\": \"xai/glm-5\", \"temperature\": NaN}", 400, "invalid_json"));
        c.add(post("bad literal", "{\"model\": \"xai/glm-5\", \"stream\": tru}", 400, "invalid_json"));
        c.add(post("two objects", OK + OK, 400, "invalid_json"));
        c.add(post("trailing garbage", OK + " x", 400, "invalid_json"));
        c.add(post("duplicate model", "{\"model\": \"xai/a\", \"model\": \"xai/b\"}", 400, "invalid_json"));
        c.add(post("unclosed array", "{\"model\": \"xai/glm-5\", \"messages\": [", 400, "invalid_json"));
        c.add(post("bad escape", "{\"model\": \"xai/glm-5\\q\"}", 400, "invalid_json"));
        c.add(post("control char in string", "{\"model\": \"xai/glm\u0001-5\"}", 400, "invalid_json"));
        c.add(post("deep nesting", "{\"model\": \"xai/glm-5\", \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}", 400, "invalid_json"));
        c.add(post("huge number", "{\"model\": \"xai/glm-5\", \"max_tokens\": 1" + "0".repeat(2000) + "}", 400, "invalid_json"));
        // Top level is JSON, but not an object.
        c.add(post("array", "[" + OK + "]", 400, "invalid_json"));
        c.add(post("string", "\"xai/glm-5\"", 400, "invalid_json"));
        c.add(post("number", "42", 400, "invalid_json"));
        c.add(post("null", "null", 400, "invalid_json"));
        c.add(post("true", "true", 400, "invalid_json"));
        // Wrong types.
        c.add(post("no model", "{\"messages\": []}", 400, "missing_model"));
        c.add(post("empty object", "{}", 400, "missing_model"));
        c.add(post("empty model", "{\"model\": \"\", \"messages\": []}", 400, "missing_model"));
        c.add(post("blank model", "{\"model\": \"  \", \"messages\": []}", 400, "missing_model"));
        c.add(post("null model", "{\"model\": null}", 400, "invalid_type"));
        c.add(post("numeric model", "{\"model\": 4}", 400, "invalid_type"));
        c.add(post("array model", "{\"model\": [\"xai/glm-5\"]}", 400, "invalid_type"));
        c.add(post("object model", "{\"model\": {\"id\": \"xai/glm-5\"}}", 400, "invalid_type"));
        c.add(post("boolean model", "{\"model\": true}", 400, "invalid_type"));
        c.add(post("stream as string", "{\"model\": \"xai/glm-5\", \"stream\": \"true\"}", 400, "invalid_type"));
        c.add(post("stream as number", "{\"model\": \"xai/glm-5\", \"stream\": 1}", 400, "invalid_type"));
        c.add(post("stream as object", "{\"model\": \"xai/glm-5\", \"stream\": {}}", 400, "invalid_type"));
        c.add(post("messages as string", "{\"model\": \"xai/glm-5\", \"messages\": \"hi\"}", 400, "invalid_type"));
        c.add(post("messages as object", "{\"model\": \"xai/glm-5\", \"messages\": {}}", 400, "invalid_type"));
        c.add(post("messages as null", "{\"model\": \"xai/glm-5\", \"messages\": null}", 400, "invalid_type"));
        c.add(post("fallbacks as string", "{\"model\": \"xai/glm-5\", \"fallbacks\": \"xai/x\"}", 400, "invalid_type"));
        c.add(post("fallbacks with a number", "{\"model\": \"xai/glm-5\", \"fallbacks\": [1]}", 400, "invalid_type"));
        c.add(post("unknown fallback", "{\"model\": \"xai/glm-5\", \"fallbacks\": [\"nope/nothing\"]}", 400, "invalid_fallback"));
        // Models that cannot be routed.
        c.add(post("unknown model", "{\"model\": \"gpt-7\"}", 404, "model_not_found"));
        c.add(post("unknown provider", "{\"model\": \"cohere/command-r\"}", 404, "model_not_found"));
        c.add(post("ambiguous model", "{\"model\": \"shared-model\"}", 400, "model_ambiguous"));
        c.add(post("provider without translator", "{\"model\": \"bedrock/claude-bedrock\"}", 501, "provider_not_supported"));
        // Encoding.
        c.add(raw("invalid UTF-8 in a string", bytes("{\"model\": \"xai/glm-5\", \"x\": \"", new byte[] {(byte) 0xC3, 0x28}, "\"}"), 400, "invalid_encoding"));
        c.add(raw("overlong UTF-8", bytes("{\"model\": \"xai/glm-5\", \"x\": \"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}"), 400, "invalid_encoding"));
        c.add(raw("UTF-8 surrogate", bytes("{\"model\": \"xai/glm-5\", \"x\": \"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"), 400, "invalid_encoding"));
        c.add(raw("truncated UTF-8", bytes("{\"model\": \"xai/glm-5\", \"x\": \"", new byte[] {(byte) 0xE2, (byte) 0x82}, "\"}"), 400, "invalid_encoding"));
        c.add(raw("UTF-16 body", "{\"model\": \"xai/glm-5\"}".getBytes(StandardCharsets.UTF_16), 400, "invalid_encoding"));
        c.add(raw("binary noise", new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE}, 400, "invalid_encoding"));
        c.add(raw("NUL bytes", new byte[] {0, 0, 0, 0}, 400, "invalid_json"));
        // Size.
        c.add(post("over the body limit", "{\"model\": \"xai/glm-5\", \"x\": \"" + "a".repeat(1_100_000) + "\"}", 413, "request_too_large"));
        // Content type, paths, methods.
        c.add(new Case("text/plain", "POST", CHAT, "text/plain", OK.getBytes(), 415, "unsupported_media_type"));
        c.add(new Case("form encoded (curl -d)", "POST", CHAT, "application/x-www-form-urlencoded", OK.getBytes(), 415, "unsupported_media_type"));
        c.add(new Case("multipart", "POST", CHAT, "multipart/form-data; boundary=x", OK.getBytes(), 415, "unsupported_media_type"));
        c.add(new Case("GET on chat", "GET", CHAT, null, null, 405, "method_not_allowed"));
        c.add(new Case("PUT on chat", "PUT", CHAT, "application/json", OK.getBytes(), 405, "method_not_allowed"));
        c.add(new Case("DELETE on embeddings", "DELETE", "/v1/embeddings", null, null, 405, "method_not_allowed"));
        c.add(new Case("POST on models", "POST", "/v1/models", "application/json", OK.getBytes(), 405, "method_not_allowed"));
        c.add(new Case("unknown v1 path", "GET", "/v1/assistants", null, null, 404, "unknown_url"));
        c.add(new Case("responses API", "POST", "/v1/responses", "application/json", OK.getBytes(), 404, "unknown_url"));
        c.add(new Case("nested unknown path", "POST", "/v1/chat/completions/extra", "application/json", OK.getBytes(), 404, "unknown_url"));
        c.add(new Case("unknown model by id", "GET", "/v1/models/nope%2Fnothing", null, null, 404, "model_not_found"));
        c.add(new Case("embeddings without model", "POST", "/v1/embeddings", "application/json", "{\"input\": \"x\"}".getBytes(), 400, "missing_model"));
        c.add(new Case("completions with bad stream", "POST", "/v1/completions", "application/json",
                "{\"model\": \"xai/glm-5\", \"stream\": []}".getBytes(), 400, "invalid_type"));
        return c.stream().map(Arguments::of);
    }

    static byte[] bytes(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    /** What the gateway answered: status, Content-Type and body. */
    record Answer(int statusCode, String contentType, String body) {
    }

    Answer send(Case c) throws Exception {
        if (c.status() == 413) {
            return sendHeadersOnly(c);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(c.path())).timeout(Duration.ofSeconds(10));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    }

    /**
     * A body over the limit is refused from its Content-Length, before it is read, and the connection is closed.
     * Sending the body anyway races that close (the reset can destroy the answer before the client reads it), so
     * only the headers go: which also shows the refusal does not wait for the body.
     */
    Answer sendHeadersOnly(Case c) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((c.method() + " " + c.path() + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + c.contentType()
                    + "\r\nContent-Length: " + c.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 ") && headEnd > 0, c.name() + ": " + answer);
            String contentType = answer.substring(0, headEnd).lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring("content-type:".length()).strip()).findFirst().orElse("");
            return new Answer(Integer.parseInt(answer.substring(9, 12)), contentType, answer.substring(headEnd + 4));
        }
    }

    static void assertOpenAiError(Answer r, String context) {
        assertTrue(r.contentType().startsWith("application/json"), context);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertTrue(error != null, "no error object: " + context);
        assertInstanceOf(String.class, error.getValue("message"), context);
        assertTrue(!error.getString("message").isBlank(), "empty message: " + context);
        assertInstanceOf(String.class, error.getValue("type"), context);
        assertTrue(!error.getString("type").isBlank(), "empty type: " + context);
        assertTrue(error.containsKey("param") && error.containsKey("code"), context);
        assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), "no stack trace: " + context);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithTheRightStatusAndAnOpenAiError(Case c) throws Exception {
        Answer r = send(c);
        assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.body());
        assertOpenAiError(r, c.name());
        assertEquals(c.code(), new JsonObject(r.body()).getJsonObject("error").getString("code"), c.name());
    }

    /**
     * Every case, sent again in one go: each is refused before any upstream is called. (A case the gateway
     * forwarded could still end with the expected status, from the upstream; here it shows.)
     */
    @Test
    void noBadInputReachesTheUpstream() throws Exception {
        List<Case> all = cases().map(a -> (Case) a.get()[0]).toList();
        for (Case c : all) {
            Answer r = send(c);
            assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.body());
            assertOpenAiError(r, c.name());
        }
        assertEquals(List.of(), upstream.receivedList().stream().map(FakeOpenAi.Received::body).toList(), "bad input reached the upstream");
        assertEquals(200, send(post("after the bad input", OK, 200, null)).statusCode(), "the gateway still serves");
        assertEquals(1, upstream.receivedList().size(), "the good request after them did reach the upstream");
    }

    @Test
    void unknownFieldsPassThroughUntouched() throws Exception {
        String body = "{\"model\": \"xai/glm-5\", \"messages\": [], \"vendor_x\": {\"deep\": [1, 2, {\"k\": null}]}, \"top_k\": 3}";
        Answer r = send(post("unknown fields", body, 200, null));
        assertEquals(200, r.statusCode(), r.body());
        List<FakeOpenAi.Received> received = upstream.receivedList();
        assertEquals(1, received.size());
        // Byte for byte, but for the model the upstream serves.
        assertEquals(body.replace("\"xai/glm-5\"", "\"glm-5\""), received.get(0).body());
    }

    /**
     * Seeded random bodies (mutations of a valid request: flipped, dropped and inserted bytes, truncation,
     * swapped JSON values) must never produce a 5xx or a non-JSON error, and the gateway must keep serving.
     */
    @Test
    void fuzzedBodiesNeverCauseServerErrors() throws Exception {
        Random random = new Random(20261123L);
        String[] values = {"null", "true", "1e999", "-0", "\"\"", "[]", "{}", "\"\\u0000\"", "[[[[[]]]]]", "\"xai/glm-5\"", "9".repeat(400)};
        int tried = 0;
        int rejected = 0;
        for (int i = 0; i < 400; i++) {
            byte[] body = mutate(OK.getBytes(StandardCharsets.UTF_8), values, random);
            Answer r = send(raw("fuzz " + i, body, 0, null));
            tried++;
            assertTrue(r.statusCode() < 500 || r.statusCode() == 501, "fuzz " + i + " got " + r.statusCode() + " for "
                    + new String(body, StandardCharsets.ISO_8859_1) + ": " + r.body());
            if (r.statusCode() >= 400) {
                rejected++;
                assertOpenAiError(r, "fuzz " + i);
            }
        }
        assertTrue(rejected > 100 && rejected < tried, "the mutations reach both outcomes: " + rejected + " of " + tried);
        assertEquals(200, send(post("after fuzzing", OK, 200, null)).statusCode());
    }

    static byte[] mutate(byte[] in, String[] values, Random random) {
        byte[] b = in.clone();
        switch (random.nextInt(6)) {
            case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 1 -> {
                int cut = random.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, cut);
            }
            case 2 -> {
                int at = random.nextInt(b.length);
                byte[] out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                b = out;
            }
            case 3 -> {
                String s = new String(b, StandardCharsets.UTF_8);
                String v = values[random.nextInt(values.length)];
                String[] targets = {"\"xai/glm-5\"", "[{\"role\": \"user\", \"content\": \"hi\"}]", "\"user\"", "\"hi\""};
                b = s.replace(targets[random.nextInt(targets.length)], v).getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                String s = new String(b, StandardCharsets.UTF_8);
                int at = random.nextInt(s.length());
                b = (s.substring(0, at) + "{[\",:}]\\".charAt(random.nextInt(8)) + s.substring(at)).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                String s = new String(b, StandardCharsets.UTF_8);
                b = s.replace("}", ", \"" + "k" + random.nextInt(100) + "\": " + values[random.nextInt(values.length)] + "}").getBytes(StandardCharsets.UTF_8);
            }
        }
        return b;
    }
}
