package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.heimdall.testing.Prometheus.label;
import static dev.heimdall.testing.Prometheus.sample;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import dev.heimdall.testing.Prometheus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayApiTest {

    @Fake
    FakeOpenAi upstream;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static Response chat(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    FakeOpenAi.Received only() {
        List<FakeOpenAi.Received> r = upstream.receivedList();
        assertEquals(1, r.size(), r.toString());
        return r.get(0);
    }

    static void assertOpenAiError(Response r, int status, String code) {
        r.then().statusCode(status).contentType(ContentType.JSON)
                .body("error.code", equalTo(code))
                .body("error.message", notNullValue())
                .body("error.type", notNullValue())
                .body("error", org.hamcrest.Matchers.hasKey("param"));
    }

    @Test
    void modelsListsEveryProviderModelAndAlias() {
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItems("deepseek/ds-chat", "vllm/meta-llama/Llama-3.1-8B", "vllm/glm-5-fast", "fast", "smart"))
                .body("data.object", hasItem("model"))
                .body("data.find { it.id == 'fast' }.owned_by", equalTo("vllm"));
    }

    @Test
    void modelsReportedByAnUpstreamThatAcceptsAnyModelAreListedAndRoutable() {
        // Discovery runs in the background from start-up: wait for its result.
        Await.value("openai/upstream-model in /v1/models", () -> given().get("/v1/models").then().statusCode(200).extract().jsonPath()
                .getList("data.id", String.class), ids -> ids.contains("openai/upstream-model"));
        FakeOpenAi.Received listing = upstream.modelListings.peek();
        assertEquals("Bearer " + GatewayTestResource.KEY_CANARY, listing.headers().get("Authorization"));
        assertEquals("acme", listing.headers().get("X-Org"));
        chat("{\"model\": \"openai/upstream-model\", \"messages\": []}").then().statusCode(200).header("x-heimdall-provider", "openai");
        // fireworks and xai also accept any model and report the same name: a bare name is ambiguous.
        given().get("/v1/models").then().body("data.id", hasItems("fireworks/upstream-model", "xai/upstream-model"));
        assertOpenAiError(chat("{\"model\": \"upstream-model\", \"messages\": []}"), 400, "model_ambiguous");
    }

    @Test
    void oneModelByIdEvenWithSlashes() {
        given().get("/v1/models/vllm/meta-llama/Llama-3.1-8B").then().statusCode(200)
                .body("id", equalTo("vllm/meta-llama/Llama-3.1-8B")).body("owned_by", equalTo("vllm"));
        given().get("/v1/models/openai/glm-5").then().statusCode(200).body("owned_by", equalTo("openai"));
        assertOpenAiError(given().get("/v1/models/nope/nothing"), 404, "model_not_found");
    }

    @Test
    void chatIsForwardedWithOnlyTheModelRewritten() {
        String body = "{\"model\": \"openai/glm-5\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"temperature\": 0.2, \"x_vendor\": {\"model\": \"keep\"}}";
        chat(body).then().statusCode(200)
                .header("x-heimdall-provider", "openai")
                .header("x-heimdall-model", "glm-5")
                .header("x-heimdall-attempts", "1")
                .body("choices[0].message.content", equalTo("hello from glm-5"));
        FakeOpenAi.Received r = only();
        assertEquals("/v1/chat/completions", r.path());
        assertEquals(body.replace("\"openai/glm-5\"", "\"glm-5\""), r.body());
        assertEquals("Bearer " + GatewayTestResource.KEY_CANARY, r.headers().get("Authorization"));
        assertEquals("acme", r.headers().get("X-Org"));
        assertEquals(GatewayTestResource.HEADER_CANARY, r.headers().get("X-Api-Secret"));
    }

    @Test
    void aiderDoublePrefixAndSlashedBareNames() {
        chat("{\"model\": \"openai/openai/glm-5\", \"messages\": []}").then().statusCode(200);
        assertEquals("glm-5", only().json().getString("model"));
        upstream.reset();
        chat("{\"model\": \"meta-llama/Llama-3.1-8B\", \"messages\": []}").then().statusCode(200).header("x-heimdall-provider", "vllm");
        assertEquals("meta-llama/Llama-3.1-8B", only().json().getString("model"));
    }

    @Test
    void keyAliasSendsTheUpstreamNameAndKeylessProviderSendsNoAuthorization() {
        chat("{\"model\": \"glm-5-fast\", \"messages\": []}").then().statusCode(200).header("x-heimdall-model", "glm-5-fast");
        FakeOpenAi.Received r = only();
        assertEquals("glm5", r.json().getString("model"));
        assertEquals("/v1/chat/completions", r.path(), "a base_url ending in /v1/ is not doubled");
        assertNull(r.headers().get("Authorization"));
    }

    @Test
    void gatewayAliasRoutesToItsPrimary() {
        chat("{\"model\": \"fast\", \"messages\": []}").then().statusCode(200).header("x-heimdall-provider", "vllm");
        assertEquals("glm5", only().json().getString("model"));
    }

    @Test
    void completionsAndEmbeddings() {
        given().contentType(ContentType.JSON).body("{\"model\": \"openai/gpt-3.5-turbo-instruct\", \"prompt\": \"hi\"}")
                .post("/v1/completions").then().statusCode(200).body("object", equalTo("text_completion"));
        given().contentType(ContentType.JSON).body("{\"model\": \"openai/text-embedding-3-small\", \"input\": \"hi\"}")
                .post("/v1/embeddings").then().statusCode(200).body("data[0].embedding[1]", equalTo(0.2f));
        assertEquals(List.of("/v1/completions", "/v1/embeddings"), upstream.receivedList().stream().map(FakeOpenAi.Received::path).toList());
    }

    @Test
    void unknownAndAmbiguousModelsListTheChoices() {
        Response unknown = chat("{\"model\": \"gpt-5\", \"messages\": []}");
        assertOpenAiError(unknown, 404, "model_not_found");
        unknown.then().body("error.param", equalTo("model")).body("error.message", containsString("deepseek/ds-chat"));
        Response ambiguous = chat("{\"model\": \"shared-model\", \"messages\": []}");
        assertOpenAiError(ambiguous, 400, "model_ambiguous");
        ambiguous.then().body("error.message", containsString("vllm/shared-model"));
        assertTrue(upstream.receivedList().isEmpty());
    }

    @Test
    void upstreamErrorsPassThroughWithStatusAndNoKey() {
        Response r = chat("{\"model\": \"openai/status-401\", \"messages\": []}");
        r.then().statusCode(401).body("error.code", equalTo("status_401"))
                .body("error.message", not(containsString(GatewayTestResource.KEY_CANARY)));
        chat("{\"model\": \"openai/status-429\", \"messages\": []}").then().statusCode(429);
        Response plain = chat("{\"model\": \"openai/plain-503\", \"messages\": []}");
        assertOpenAiError(plain, 503, "provider_http_503");
        plain.then().body("error.message", containsString("upstream overloaded"));
    }

    @Test
    void unreachableUpstreamIs502NamingTheProviderNotTheKey() {
        Response r = chat("{\"model\": \"groq/llama-3.3-70b\", \"messages\": []}");
        assertOpenAiError(r, 502, "provider_unreachable");
        r.then().body("error.message", containsString("groq")).body("error.message", not(containsString("gsk-canary")));
    }

    @Test
    void slowUpstreamIs504AndTheUpstreamCallIsAbandoned() {
        long start = System.nanoTime();
        Response r = chat("{\"model\": \"mistral/hang\", \"messages\": []}");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertOpenAiError(r, 504, "provider_timeout");
        r.then().body("error.message", containsString("mistral")).header("x-heimdall-attempts", "1")
                .header("x-heimdall-tried", "mistral/hang=timeout");
        assertEquals("hang", only().json().getString("model"));
        // At least mistral's 1 s; well under the 5 s of the other providers and the 30 s default (generous: the machine may be busy).
        assertTrue(millis >= 900 && millis < 4_500, "timed out after " + millis + " ms; configured 1 s");
        Await.until("the timed-out upstream request to be closed", () -> upstream.abandoned.get() >= 1);
        assertEquals(1, upstream.abandoned.get(), "the timed-out upstream request must be closed");
    }

    @Test
    void metricsCountEveryRequestOnceWithItsLabels() {
        String[] chatOk = {label("gen_ai_operation_name", "chat"), label("gen_ai_provider_name", "openai"),
                label("gen_ai_request_model", "glm-5"), label("http_response_status_code", "200")};
        String[] embeddingsOk = {label("gen_ai_operation_name", "embeddings"), label("gen_ai_provider_name", "openai"),
                label("gen_ai_request_model", "text-embedding-3-small"), label("http_response_status_code", "200")};
        // (Not status-404: TelemetryTest counts those, in the same registry.)
        String[] chatRejected = {label("gen_ai_operation_name", "chat"), label("gen_ai_provider_name", "openai"),
                label("gen_ai_request_model", "status-422"), label("http_response_status_code", "422")};
        String name = "heimdall_requests_total";
        String before = Prometheus.scrape();
        double chats = sample(before, name, chatOk);
        double embeddings = sample(before, name, embeddingsOk);
        double rejected = sample(before, name, chatRejected);

        for (int i = 0; i < 3; i++) {
            chat("{\"model\": \"openai/glm-5\", \"messages\": []}").then().statusCode(200);
        }
        given().contentType(ContentType.JSON).body("{\"model\": \"openai/text-embedding-3-small\", \"input\": \"hi\"}")
                .post("/v1/embeddings").then().statusCode(200);
        chat("{\"model\": \"openai/status-422\", \"messages\": []}").then().statusCode(422);

        // A request is counted just after its client has the answer: wait until all five are.
        String after = Await.value("the five requests counted in /metrics", Prometheus::scrape,
                m -> sample(m, name, chatOk) >= chats + 3 && sample(m, name, embeddingsOk) >= embeddings + 1
                        && sample(m, name, chatRejected) >= rejected + 1);
        assertEquals(chats + 3, sample(after, name, chatOk), "chat 200s");
        assertEquals(embeddings + 1, sample(after, name, embeddingsOk), "embeddings 200s");
        assertEquals(rejected + 1, sample(after, name, chatRejected), "chat 422s");
    }

    @Test
    void providerWithoutATranslatorIs501() {
        assertOpenAiError(chat("{\"model\": \"bedrock/claude-bedrock\", \"messages\": []}"), 501, "provider_not_supported");
    }

    @Test
    void badRequestsAreOpenAiErrorsNeverServerErrors() throws Exception {
        assertOpenAiError(chat("{\"messages\": []}"), 400, "missing_model");
        assertOpenAiError(chat("{\"model\": \"openai/glm-5\", "), 400, "invalid_json");
        assertOpenAiError(chat(""), 400, "empty_body");
        assertOpenAiError(chat("{\"model\": \"openai/glm-5\", \"stream\": \"yes\"}"), 400, "invalid_type");
        assertOpenAiError(given().contentType(ContentType.TEXT).body("{}").post("/v1/chat/completions"), 415, "unsupported_media_type");
        assertOpenAiError(given().get("/v1/chat/completions"), 405, "method_not_allowed");
        assertOpenAiError(given().post("/v1/models"), 405, "method_not_allowed");
        assertOpenAiError(given().get("/v1/assistants"), 404, "unknown_url");
        assertTooLargeFromContentLengthAlone();
        assertTrue(upstream.receivedList().isEmpty(), "nothing invalid reaches the upstream");
    }

    /**
     * 413 is decided from Content-Length before the body is read: the request here never sends its body. (Sending
     * 1 MB the gateway will not read races its answer-and-close: the client may get a broken pipe instead.)
     */
    void assertTooLargeFromContentLengthAlone() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The gateway answers and closes the connection: read to the end.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("content-type: application/json"), answer);
            JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
            assertEquals("request_too_large", error.getString("code"), answer);
            assertTrue(!error.getString("message", "").isBlank() && !error.getString("type", "").isBlank() && error.containsKey("param"), answer);
        }
    }

    @Test
    void keysArePickedByWeight() {
        int n = 400;
        Map<String, Integer> byKey = new HashMap<>();
        for (int i = 0; i < n; i++) {
            chat("{\"model\": \"deepseek/ds-chat\", \"messages\": []}").then().statusCode(200);
        }
        for (FakeOpenAi.Received r : upstream.receivedList()) {
            byKey.merge(r.headers().get("Authorization"), 1, Integer::sum);
        }
        double share = byKey.getOrDefault("Bearer " + GatewayTestResource.ENV_CANARY, 0) / (double) n;
        assertTrue(share > 0.65 && share < 0.85, "weight 3 of 4 got " + share + " " + byKey.keySet().size());
        assertEquals(2, byKey.size());
    }

    @Test
    void providersApiShowsWhatIsLoadedWithSecretsRedacted() {
        String json = given().get("/api/providers").then().statusCode(200)
                .body("providers.name", hasItems("openai", "deepseek", "vllm"))
                .body("providers.find { it.name == 'deepseek' }.keys[0].value.env_var", equalTo("env.HEIMDALL_TEST_SECRET"))
                .body("providers.find { it.name == 'deepseek' }.keys[0].value.from_env", equalTo(true))
                .body("providers.find { it.name == 'openai' }.keys[0].value.value",
                        equalTo("*".repeat(24) + GatewayTestResource.KEY_CANARY.substring(GatewayTestResource.KEY_CANARY.length() - 4)))
                .body("providers.find { it.name == 'openai' }.network_config.extra_headers.X-Api-Secret", equalTo("<redacted>"))
                .body("providers.find { it.name == 'openai' }.config_hash", notNullValue())
                .body("providers.find { it.name == 'openai' }.source", equalTo("file"))
                .extract().asString();
        json += given().get("/api/config").then().statusCode(200)
                .body("config_hash", notNullValue())
                .body("aliases.smart.targets", equalTo(List.of("openai/gpt-4o", "vllm/shared-model")))
                .body("warnings", hasItem(containsString("telemetry")))
                .extract().asString();
        for (String secret : List.of(GatewayTestResource.KEY_CANARY, GatewayTestResource.ENV_CANARY,
                GatewayTestResource.HEADER_CANARY, GatewayTestResource.KEY_B_CANARY, "gsk-canary")) {
            assertTrue(!json.contains(secret), "leaked " + secret);
        }
    }

    @Test
    void healthEndpoints() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'heimdall-config' }.data.sqlite", equalTo("ok"));
        given().get("/health").then().statusCode(200).body("status", equalTo("ok"));
        given().get("/metrics").then().statusCode(200); // what it counts: metricsCountEveryRequestOnceWithItsLabels
        given().get("/q/health/ready").then().body("checks.find { it.name == 'heimdall-config' }.data.reason", nullValue());
    }
}
