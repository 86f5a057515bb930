package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Canary secrets (a literal key, an env.X key, a header value) must appear in no response and no log
 * line, debug included, whatever path a request takes.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class SecretsTest {

    static final List<String> CANARIES = List.of(GatewayTestResource.KEY_CANARY, GatewayTestResource.ENV_CANARY,
            GatewayTestResource.HEADER_CANARY, GatewayTestResource.KEY_B_CANARY, "gsk-canary-GROQ",
            GatewayTestResource.OTEL_AUTH_CANARY.substring(6), GatewayTestResource.VK_LIMITED, GatewayTestResource.VK_BUDGET,
            GatewayTestResource.VK_INACTIVE, GatewayTestResource.VK_EXPIRED, GatewayTestResource.VK_NARROW, GatewayTestResource.VK_SPLIT,
            GatewayTestResource.VK_FALLBACK, GatewayTestResource.ANTHROPIC_KEY_CANARY, GatewayTestResource.AZURE_KEY_CANARY);

    @Test
    void noSecretInAnyResponseOrLogLine() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (String model : List.of("openai/glm-5", "openai/status-401", "openai/status-403", "openai/plain-503", "groq/llama-3.3-70b",
                "deepseek/ds-chat", "deepseek/nope", "nope", "azure/gpt-4o-azure", "azure/azure-filtered", "azure/status-401",
                "anthropic/claude-sonnet-4-5", "anthropic/status-401")) {
            for (boolean stream : List.of(false, true)) {
                for (String path : List.of("/v1/chat/completions", "/anthropic/v1/messages")) {
                    var r = given().contentType("application/json")
                            .body("{\"model\": \"" + model + "\", \"stream\": " + stream + ", \"max_tokens\": 5, \"messages\": []}").post(path);
                    bodies.add(r.asString() + r.headers().toString());
                }
            }
        }
        for (String path : List.of("/v1/models", "/api/providers", "/q/health/ready", "/health", "/metrics", "/api/logs",
                "/api/governance/virtual-keys", "/api/governance/budgets", "/api/governance/rate-limits", "/api/config", "/api/aliases",
                "/api/providers/openai", "/api/providers/openai/keys", "/api/providers/azure/keys", "/api/providers/anthropic",
                "/api/governance/virtual-keys/vk-limited", "/q/openapi")) {
            bodies.add(given().get(path).asString());
        }
        Path log = Path.of("target/heimdall-test.log");
        assertTrue(Files.exists(log), "the test profile writes its log to " + log);
        String logText = Files.readString(log);
        assertTrue(logText.contains("Configuration"), "the log file has the gateway's lines");
        for (String canary : CANARIES) {
            for (String body : bodies) {
                assertFalse(body.contains(canary), "response leaked " + canary + ": " + body);
            }
            assertFalse(logText.contains(canary), "log leaked " + canary);
        }
    }
}
