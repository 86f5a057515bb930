package dev.heimdall;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged artifact (the jar here, the native binary where one is built) serving real traffic. */
@QuarkusIntegrationTest
@QuarkusTestResource(GatewayTestResource.class)
class PackagedGatewayIT {

    // The probe paths the generated manifests use (KubernetesManifestsIT checks them there).
    static final String LIVENESS = "/q/health/live";
    static final String READINESS = "/q/health/ready";
    static final String STARTUP = "/q/health/started";

    @Test
    void answersOnEveryProbePath() {
        for (String path : java.util.List.of(LIVENESS, READINESS, STARTUP)) {
            given().get(path).then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    @Test
    void servesModelsChatStreamsAndHealth() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/health").then().statusCode(200);
        given().get("/v1/models").then().statusCode(200).body("data.id", hasItem("vllm/meta-llama/Llama-3.1-8B"));
        given().contentType("application/json").body("{\"model\": \"openai/glm-5\", \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-heimdall-provider", "openai")
                .body("choices[0].message.content", equalTo("hello from glm-5"));
        String stream = given().contentType("application/json")
                .body("{\"model\": \"openai/glm-5\", \"stream\": true, \"messages\": []}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("content-type", containsString("text/event-stream"))
                .extract().asString();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < FakeOpenAi.STREAM_CHUNKS; i++) {
            expected.append(FakeOpenAi.chunk("glm-5", i));
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected.append("data: [DONE]\n\n").toString(), stream);
        given().contentType("application/json").body("{\"model\": 1}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.param", equalTo("model"));
    }
}
