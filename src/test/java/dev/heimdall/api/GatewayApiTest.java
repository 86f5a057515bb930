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

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayApiTest {

    @Fake
    FakeOpenAi upstream;

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
    void modelsReportedByAnUpstreamThatAcceptsAnyModelAreListedAndRoutable() throws Exception {
        for (int i = 0; i < 100 && !given().get("/v1/models").asString().contains("openai/upstream-model"); i++) {
            Thread.sleep(50);
        }
        given().get("/v1/models").then().body("data.id", hasItem("openai/upstream-model"));
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
    void slowUpstreamIs504AndTheUpstreamCallIsAbandoned() throws Exception {
        long start = System.nanoTime();
        Response r = chat("{\"model\": \"mistral/hang\", \"messages\": []}");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertOpenAiError(r, 504, "provider_timeout");
        r.then().body("error.message", containsString("mistral"));
        assertTrue(millis >= 900 && millis < 3_000, "timed out after " + millis + " ms; configured 1 s");
        for (int i = 0; i < 50 && upstream.abandoned.get() == 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(1, upstream.abandoned.get(), "the timed-out upstream request must be closed");
    }

    @Test
    void providerWithoutATranslatorIs501() {
        assertOpenAiError(chat("{\"model\": \"azure/gpt-4o-azure\", \"messages\": []}"), 501, "provider_not_supported");
    }

    @Test
    void badRequestsAreOpenAiErrorsNeverServerErrors() {
        assertOpenAiError(chat("{\"messages\": []}"), 400, "missing_model");
        assertOpenAiError(chat("{\"model\": \"openai/glm-5\", "), 400, "invalid_json");
        assertOpenAiError(chat(""), 400, "empty_body");
        assertOpenAiError(chat("{\"model\": \"openai/glm-5\", \"stream\": \"yes\"}"), 400, "invalid_type");
        assertOpenAiError(given().contentType(ContentType.TEXT).body("{}").post("/v1/chat/completions"), 415, "unsupported_media_type");
        assertOpenAiError(given().get("/v1/chat/completions"), 405, "method_not_allowed");
        assertOpenAiError(given().post("/v1/models"), 405, "method_not_allowed");
        assertOpenAiError(given().get("/v1/assistants"), 404, "unknown_url");
        String big = "{\"model\": \"openai/glm-5\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(1_100_000) + "\"}]}";
        assertOpenAiError(chat(big), 413, "request_too_large");
        assertTrue(upstream.receivedList().isEmpty(), "nothing invalid reaches the upstream");
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
                .body("config_hash", notNullValue())
                .body("providers.name", hasItems("openai", "deepseek", "vllm"))
                .body("providers.find { it.name == 'deepseek' }.keys[0].value", equalTo("env.HEIMDALL_TEST_SECRET"))
                .body("providers.find { it.name == 'openai' }.keys[0].value", equalTo("<redacted>"))
                .body("providers.find { it.name == 'openai' }.network_config.extra_headers.X-Api-Secret", equalTo("<redacted>"))
                .body("providers.find { it.name == 'openai' }.hash", notNullValue())
                .body("aliases.smart", equalTo(List.of("openai/gpt-4o", "vllm/shared-model")))
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
        given().get("/metrics").then().statusCode(200);
        given().get("/q/health/ready").then().body("checks.find { it.name == 'heimdall-config' }.data.reason", nullValue());
    }
}
