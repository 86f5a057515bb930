package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.FakeOtlpCollector;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Editing config.json while the gateway runs: a valid change applies, an invalid one is refused. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class LiveReloadTest {

    @Fake
    FakeOpenAi upstream;

    @Fake
    Path appDir;

    @Fake
    FakeOtlpCollector collector;

    @AfterEach
    void restore() throws Exception {
        Files.writeString(appDir.resolve("config.json"), GatewayTestResource.config(upstream.baseUrl(), collector.url()));
        waitForModels(ids -> ids.contains("deepseek/ds-chat") && !ids.contains("cerebras/brand-new"));
    }

    static List<String> modelIds() {
        return given().get("/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id", String.class);
    }

    static void waitForModels(java.util.function.Predicate<List<String>> condition) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.test(modelIds())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("configuration did not reload; models: " + modelIds());
    }

    @Test
    void validChangeAppliesLiveAndInvalidChangeIsRefused() throws Exception {
        String hashBefore = given().get("/api/providers").jsonPath().getString("config_hash");
        String changed = GatewayTestResource.config(upstream.baseUrl(), collector.url()).replace("\"azure\": {",
                "\"cerebras\": {\"keys\": [{\"value\": \"c\", \"models\": [\"brand-new\"]}], \"network_config\": {\"base_url\": \""
                        + upstream.baseUrl() + "\"}},\n\"azure\": {");
        Files.writeString(appDir.resolve("config.json"), changed);
        waitForModels(ids -> ids.contains("cerebras/brand-new"));
        given().contentType("application/json").body("{\"model\": \"cerebras/brand-new\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-heimdall-provider", "cerebras");
        String hashAfter = given().get("/api/providers").jsonPath().getString("config_hash");
        assertTrue(!hashBefore.equals(hashAfter));

        Files.writeString(appDir.resolve("config.json"), "{\"providers\": [\"this is not valid\"]}");
        Thread.sleep(800); // four watch intervals
        given().get("/v1/models").then().body("data.id", hasItem("cerebras/brand-new"));
        assertEquals(hashAfter, given().get("/api/providers").jsonPath().getString("config_hash"));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void removedProviderStopsRouting() throws Exception {
        String without = GatewayTestResource.config(upstream.baseUrl(), collector.url())
                .replaceAll("(?s)\"aliases\": \\{\"fast\".*?\"xai/grok-ok\"\\]\\},", "")
                .replaceAll("(?s)\"vllm\": \\{.*?\"groq\"", "\"groq\"");
        Files.writeString(appDir.resolve("config.json"), without);
        waitForModels(ids -> ids.stream().noneMatch(id -> id.startsWith("vllm/")));
        given().get("/v1/models").then().body("data.id", not(hasItem("fast")));
        given().contentType("application/json").body("{\"model\": \"vllm/glm5\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(404);
    }
}
