package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries, fallbacks, key rotation and timeouts against a real upstream that misbehaves on purpose.
 * "fireworks" has two keys, max_retries 2 and 20-100 ms backoffs; "xai" is a healthy fallback.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ResilienceTest {

    @Fake
    FakeOpenAi upstream;

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static Response chat(String model, String extra) {
        return given().contentType("application/json")
                .body("{\"model\": \"" + model + "\", \"messages\": []" + extra + "}").post("/v1/chat/completions");
    }

    List<String> upstreamModels() {
        return upstream.receivedList().stream().map(r -> r.json().getString("model")).toList();
    }

    @Test
    void serverErrorsAreRetriedUntilTheUpstreamRecovers() {
        String model = "flaky-2-" + UUID.randomUUID();
        chat("fireworks/" + model, "").then().statusCode(200)
                .header("x-heimdall-provider", "fireworks").header("x-heimdall-attempts", "3")
                .header("x-heimdall-tried", containsString("fireworks/" + model + "=503"));
        assertEquals(3, upstream.receivedList().size());
    }

    @Test
    void exhaustedRetriesFallBackToTheRequestsFallbacksWhichAreNotSentUpstream() {
        chat("fireworks/status-503", ", \"fallbacks\": [\"xai/grok-ok\"]").then().statusCode(200)
                .header("x-heimdall-provider", "xai").header("x-heimdall-model", "grok-ok")
                .header("x-heimdall-attempts", "4");
        assertEquals(List.of("status-503", "status-503", "status-503", "grok-ok"), upstreamModels());
        upstream.receivedList().forEach(r -> assertTrue(!r.body().contains("fallbacks"), r.body()));
        assertEquals("{\"model\": \"grok-ok\", \"messages\": []}", upstream.receivedList().get(3).body());
    }

    @Test
    void aliasChainSkipsAnUnreachableTargetAndSucceedsOnTheLast() {
        chat("resilient", "").then().statusCode(200).header("x-heimdall-provider", "xai")
                .header("x-heimdall-tried", containsString("groq/llama-3.3-70b=unreachable"));
    }

    @Test
    void whenEverythingFailsTheClientGetsThePrimarysErrorAndWhatWasTried() {
        Response r = chat("fireworks/status-503", ", \"fallbacks\": [\"groq/llama-3.3-70b\"]");
        r.then().statusCode(503).body("error.code", equalTo("status_503"))
                .body("error.heimdall_tried", hasItem("fireworks/status-503=503"))
                .body("error.heimdall_tried", hasItem("groq/llama-3.3-70b=unreachable"));
    }

    @Test
    void clientErrorsAreReturnedAtOnceWithoutRetryOrFallback() {
        chat("fireworks/status-400", ", \"fallbacks\": [\"xai/grok-ok\"]").then().statusCode(400)
                .header("x-heimdall-attempts", "1").body("error.code", equalTo("status_400"));
        chat("fireworks/status-422", "").then().statusCode(422);
        assertEquals(2, upstream.receivedList().size());
    }

    @Test
    void aRefusedKeyIsSetAsideAndAnotherKeyServesWithoutDelay() {
        for (int i = 0; i < 10; i++) {
            upstream.reset();
            long start = System.nanoTime();
            chat("fireworks/refuse-key-fw-key-one", "").then().statusCode(200);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 500, "no backoff for a refused key");
            List<String> keys = upstream.receivedList().stream().map(r -> r.headers().get("Authorization")).toList();
            assertEquals("Bearer fw-key-two", keys.get(keys.size() - 1));
            assertTrue(keys.size() <= 2);
        }
    }

    @Test
    void rateLimitsHonourRetryAfterAndEndAs429WhenNothingElseServes() {
        long start = System.nanoTime();
        Response r = chat("xai/rate-limited", "");
        r.then().statusCode(429).header("Retry-After", "1");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000, "xai has max_retries 0: no waiting");
        long start2 = System.nanoTime();
        chat("fireworks/rate-limited", "").then().statusCode(429);
        long millis = (System.nanoTime() - start2) / 1_000_000;
        // Two keys tried at once, then two retries capped at retry_backoff_max (100 ms) despite Retry-After: 1.
        assertEquals(4, upstream.receivedList().stream().filter(x -> x.json().getString("model").equals("rate-limited")).count() - 1);
        assertTrue(millis < 1_000, "waits are capped by retry_backoff_max: " + millis + " ms");
    }

    @Test
    void timeoutsAndResetsBeforeHeadersAreRetriedAndReportedAsGatewayErrors() {
        long start = System.nanoTime();
        chat("fireworks/hang", "").then().statusCode(504).body("error.code", equalTo("provider_timeout"))
                .header("x-heimdall-attempts", "3");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 3_000 && millis < 6_000, "three 1 s timeouts plus backoff: " + millis);
        chat("fireworks/reset-before-headers", "").then().statusCode(502).body("error.code", equalTo("provider_unreachable"));
    }

    @Test
    void streamsFailOverBeforeTheirFirstByte() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(chat)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"fireworks/status-503\", \"stream\": true, \"messages\": [], \"fallbacks\": [\"xai/glm-5\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("xai", r.headers().firstValue("x-heimdall-provider").orElseThrow());
        assertTrue(r.body().endsWith("data: [DONE]\n\n"));
    }

    @Test
    void aStreamThatBreaksAfterItStartedEndsWithAnErrorEventNotASilentCut() throws Exception {
        for (String model : List.of("close-mid-stream", "stall-mid-stream")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(chat)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\": \"fireworks/" + model + "\", \"stream\": true, \"messages\": [], \"fallbacks\": [\"xai/glm-5\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), model);
            assertEquals("fireworks", r.headers().firstValue("x-heimdall-provider").orElseThrow(), "no failover after the first byte");
            String body = r.body();
            assertTrue(body.startsWith(FakeOpenAi.chunk(model, 0)), body);
            String last = body.strip().substring(body.strip().lastIndexOf("data: "));
            assertTrue(last.startsWith("data: {\"error\":"), model + " ended with: " + last);
            assertTrue(last.contains(model.equals("stall-mid-stream") ? "stream_idle_timeout" : "stream_interrupted"), last);
        }
        for (int i = 0; i < 100 && upstream.abandoned.get() == 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(1, upstream.abandoned.get(), "the stalled upstream request is closed");
    }

    @Test
    void malformedUpstreamBodiesAreRelayedAsTheyCameAndTheGatewayStaysHealthy() {
        String sse = given().contentType("application/json")
                .body("{\"model\": \"xai/malformed-sse\", \"stream\": true, \"messages\": []}").post("/v1/chat/completions")
                .then().statusCode(200).extract().asString();
        assertEquals("data: {not json\n\nevent without data\n\ndata: [DONE]\n\n", sse);
        String json = chat("xai/invalid-json", "").then().statusCode(200).extract().asString();
        assertEquals("{\"id\": \"x\", oops", json);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void clientsLeavingBeforeTheAnswerDoNotCountAgainstTheKeys() throws Exception {
        for (int i = 0; i < 8; i++) {
            try (java.net.Socket s = new java.net.Socket(chat.getHost(), chat.getPort())) {
                byte[] body = "{\"model\": \"xai/hang\", \"messages\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                Thread.sleep(100);
            }
        }
        Thread.sleep(200);
        given().get("/api/providers").then().statusCode(200)
                .body("providers.find { it.name == 'xai' }.keys[0].health.consecutive_failures", equalTo(0))
                .body("providers.find { it.name == 'xai' }.keys[0].health.state", equalTo("healthy"));
        chat("xai/glm-5", "").then().statusCode(200);
    }

    @Test
    void stormsOpenTheKeysCircuitAndAreVisibleInProviders() {
        for (int i = 0; i < 4; i++) {
            chat("fireworks/status-500", "").then().statusCode(500);
        }
        given().get("/api/providers").then().statusCode(200)
                .body("providers.find { it.name == 'fireworks' }.keys.health.state", hasItem("cooling_down"));
    }

    @Test
    void upstreamConnectionsReturnToBaselineAfterFaults() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int[] afterRound = new int[3];
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (String model : List.of("close-mid-stream", "reset-before-headers", "status-503", "malformed-sse", "glm-5")) {
                for (int i = 0; i < 10; i++) {
                    calls.add(http.sendAsync(HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"xai/" + model + "\", \"stream\": true, \"messages\": []}"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
            }
            for (var c : calls) {
                assertTrue(c.get(30, TimeUnit.SECONDS).statusCode() < 600);
            }
            Thread.sleep(300);
            afterRound[round] = upstream.openConnections.get();
        }
        // Keep-alive pooling keeps some connections open; a leak would grow with every round.
        assertTrue(afterRound[2] <= afterRound[0], "upstream connections after each round: " + java.util.Arrays.toString(afterRound));
        assertTrue(afterRound[2] <= 50, "bounded by the concurrency used: " + afterRound[2]);
    }
}
