package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.FakeOtlpCollector;
import dev.heimdall.testing.GatewayLog;
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
        // Every test's change shows in the list: cerebras added, or vllm and the aliases removed.
        waitForModels(ids -> ids.contains("vllm/glm5") && ids.contains("fast") && ids.stream().noneMatch(id -> id.startsWith("cerebras/")));
    }

    static List<String> modelIds() {
        return given().get("/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id", String.class);
    }

    static void waitForModels(java.util.function.Predicate<List<String>> condition) {
        Await.value("the configuration to reload", LiveReloadTest::modelIds, condition);
    }

    /** The test configuration with one more provider, cerebras, serving {@code model}. */
    String withCerebras(String model) {
        return GatewayTestResource.config(upstream.baseUrl(), collector.url()).replace("\"azure\": {",
                "\"cerebras\": {\"keys\": [{\"value\": \"c\", \"models\": [\"" + model + "\"]}], \"network_config\": {\"base_url\": \""
                        + upstream.baseUrl() + "\"}},\n\"azure\": {");
    }

    @Test
    void validChangeAppliesLiveAndInvalidChangeIsRefused() throws Exception {
        String hashBefore = given().get("/api/config").jsonPath().getString("config_hash");
        Files.writeString(appDir.resolve("config.json"), withCerebras("brand-new"));
        waitForModels(ids -> ids.contains("cerebras/brand-new"));
        given().contentType("application/json").body("{\"model\": \"cerebras/brand-new\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-heimdall-provider", "cerebras");
        String hashAfter = given().get("/api/config").jsonPath().getString("config_hash");
        assertTrue(!hashBefore.equals(hashAfter));

        // The refusal is only worth checking once the watcher has read the invalid file: wait for it to say so.
        long mark = GatewayLog.mark();
        Files.writeString(appDir.resolve("config.json"), "{\"providers\": [\"this is not valid\"]}");
        String refused = "Refused the changed " + appDir.resolve("config.json");
        // With its reason (a read of the half-written file may be refused first, for another one).
        String reason = "$.providers: must be an object keyed by provider name";
        GatewayLog.await(mark, "the watcher refusing the invalid file", l -> l.contains(refused) && l.contains(reason));
        given().get("/v1/models").then().body("data.id", hasItem("cerebras/brand-new"));
        assertEquals(hashAfter, given().get("/api/config").jsonPath().getString("config_hash"));
        given().get("/q/health/ready").then().statusCode(200);

        // The watcher lives on after a refusal: the next valid change applies.
        Files.writeString(appDir.resolve("config.json"), withCerebras("brand-newer"));
        waitForModels(ids -> ids.contains("cerebras/brand-newer"));
        given().get("/v1/models").then().body("data.id", not(hasItem("cerebras/brand-new")));
        given().contentType("application/json").body("{\"model\": \"cerebras/brand-newer\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(200).header("x-heimdall-provider", "cerebras");
    }

    @Test
    void removedProviderStopsRouting() throws Exception {
        String without = GatewayTestResource.config(upstream.baseUrl(), collector.url())
                .replaceAll("(?s)\"aliases\": \\{\"fast\".*?\"xai/grok-ok\"\\]\\},", "")
                .replaceAll("(?s)\"vllm\": \\{.*?\"groq\"", "\"groq\"")
                .replace(", {\"provider\": \"vllm\", \"weight\": 1}", ""); // a virtual key may not name a removed provider
        Files.writeString(appDir.resolve("config.json"), without);
        waitForModels(ids -> ids.stream().noneMatch(id -> id.startsWith("vllm/")));
        given().get("/v1/models").then().body("data.id", not(hasItem("fast")));
        given().contentType("application/json").body("{\"model\": \"vllm/glm5\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(404);
    }
}
