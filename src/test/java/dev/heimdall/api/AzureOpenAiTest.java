package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Azure OpenAI through the gateway: deployments, api-version, api-key, throttling and the content filter. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AzureOpenAiTest {

    @Fake
    FakeOpenAi azure;

    @BeforeEach
    void reset() {
        azure.reset();
    }

    private static Response chat(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    @Test
    void aChatGoesToTheModelsDeploymentWithTheApiVersionAndApiKey() {
        Response r = chat("{\"model\": \"azure/gpt-4o-azure\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("azure", r.header("x-heimdall-provider"));
        FakeOpenAi.Received sent = azure.receivedList().get(0);
        assertEquals("/openai/deployments/gpt4o-prod/chat/completions", sent.path());
        assertEquals("api-version=2024-10-21", sent.query());
        assertEquals(GatewayTestResource.AZURE_KEY_CANARY, sent.headers().get("api-key"));
        assertFalse(sent.headers().contains("Authorization"), "Azure's key goes in api-key only");
        assertEquals("hello from gpt4o-prod", new JsonObject(r.asString()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
    }

    @Test
    void streamsEmbeddingsAndAnthropicClientsReachAzureToo() {
        Response stream = chat("{\"model\": \"azure/gpt-4o-azure\", \"stream\": true, \"messages\": []}");
        assertTrue(stream.asString().contains("tok4") && stream.asString().endsWith("data: [DONE]\n\n"), stream.asString());
        assertFalse(stream.asString().contains("\"usage\""), "the usage the gateway asked for is not the client's");
        assertEquals(new JsonObject().put("include_usage", true), azure.receivedList().get(0).json().getJsonObject("stream_options"));

        Response embeddings = given().contentType(ContentType.JSON).body("{\"model\": \"azure/gpt-4o-azure\", \"input\": \"x\"}").post("/v1/embeddings");
        assertEquals(200, embeddings.statusCode(), embeddings.asString());
        assertEquals("/openai/deployments/gpt4o-prod/embeddings", azure.receivedList().get(1).path());

        Response claude = given().contentType(ContentType.JSON)
                .body("{\"model\": \"azure/gpt-4o-azure\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/anthropic/v1/messages");
        assertEquals(200, claude.statusCode(), claude.asString());
        assertEquals("message", new JsonObject(claude.asString()).getString("type"));
        assertEquals("/openai/deployments/gpt4o-prod/chat/completions", azure.receivedList().get(2).path());
        assertEquals(GatewayTestResource.AZURE_KEY_CANARY, azure.receivedList().get(2).headers().get("api-key"));
    }

    @Test
    void throttlingInMillisecondsBecomesRetryAfterAndTheContentFilterPassesThrough() {
        Response throttled = chat("{\"model\": \"azure/azure-throttled\", \"messages\": []}");
        assertEquals(429, throttled.statusCode(), throttled.asString());
        assertEquals("2", throttled.header("Retry-After"), "retry-after-ms 1500, rounded up to whole seconds");
        Response filtered = chat("{\"model\": \"azure/azure-filtered\", \"messages\": []}");
        assertEquals(400, filtered.statusCode(), filtered.asString());
        JsonObject error = new JsonObject(filtered.asString()).getJsonObject("error");
        assertEquals("content_filter", error.getString("code"));
        assertEquals("prompt", error.getString("param"));
        assertEquals(1, azure.receivedList().stream().filter(r -> r.path().contains("content-filtered")).count(), "a 400 is not retried");
    }
}
