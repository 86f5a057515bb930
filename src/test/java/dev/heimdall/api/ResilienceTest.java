package dev.heimdall.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayLog;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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

    List<String> upstreamKeys() {
        return upstream.receivedList().stream().map(r -> r.headers().get("Authorization")).toList();
    }

    /** The delays the gateway chose before each retry of {@code target}, from its debug log since {@code mark}. */
    static List<Long> retryDelays(long mark, String target, String failure, int expected) {
        Pattern line = Pattern.compile("Attempt " + Pattern.quote(target) + " failed \\(" + failure + "\\); next \\S+ in (\\d+) ms");
        String log = GatewayLog.await(mark, expected + " retries of " + target, l -> line.matcher(l).results().count() >= expected);
        List<Long> delays = line.matcher(log).results().map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(expected, delays.size(), log);
        return delays;
    }

    @Test
    void aRefusedKeyIsSetAsideAndAnotherKeyServesWithoutDelay() {
        int refusals = 0;
        for (int i = 0; i < 20; i++) {
            // Ends with a success on fw-key-one, whichever key it tries first: both keys start each round healthy,
            // so the gateway picks fw-key-one (and gets the 401) about every other round.
            chat("fireworks/refuse-key-fw-key-two", "").then().statusCode(200);
            upstream.reset();
            long mark = GatewayLog.mark();
            long start = System.nanoTime();
            Response r = chat("fireworks/refuse-key-fw-key-one", "");
            long millis = (System.nanoTime() - start) / 1_000_000;
            r.then().statusCode(200).header("x-heimdall-provider", "fireworks");
            List<String> keys = upstreamKeys();
            assertEquals(String.valueOf(keys.size()), r.header("x-heimdall-attempts"), keys.toString());
            if (keys.size() == 1) {
                assertEquals(List.of("Bearer fw-key-two"), keys);
                assertEquals(null, r.header("x-heimdall-tried"));
            } else {
                refusals++;
                assertEquals(List.of("Bearer fw-key-one", "Bearer fw-key-two"), keys, "the refused key once, then the other");
                assertEquals("fireworks/refuse-key-fw-key-one=401", r.header("x-heimdall-tried"));
                assertEquals(List.of(0L), retryDelays(mark, "fireworks/refuse-key-fw-key-one", "401", 1), "no backoff for a refused key");
            }
            // Only a backstop against a hang (the machine may be busy): the log above shows the wait was 0 ms.
            assertTrue(millis < 5_000, "answered after " + millis + " ms");
        }
        assertTrue(refusals > 0, "fw-key-one was never tried first: the refusal path did not run");
    }

    @Test
    void rateLimitsHonourRetryAfterAndEndAs429WhenNothingElseServes() {
        // xai has max_retries 0 and one key: one attempt, so nothing to wait Retry-After (1 s) for.
        chat("xai/rate-limited", "").then().statusCode(429).header("Retry-After", "1").header("x-heimdall-attempts", "1")
                .header("x-heimdall-tried", "xai/rate-limited=429");
        assertEquals(List.of("Bearer xai-key"), upstreamKeys());

        upstream.reset();
        long mark = GatewayLog.mark();
        long start = System.nanoTime();
        chat("fireworks/rate-limited", "").then().statusCode(429).header("x-heimdall-attempts", "4")
                .header("x-heimdall-tried", String.join(", ", Collections.nCopies(4, "fireworks/rate-limited=429")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Two keys tried at once, then two retries capped at retry_backoff_max (100 ms) despite Retry-After: 1.
        List<String> keys = upstreamKeys();
        assertEquals(4, keys.size(), keys.toString());
        assertEquals(Set.of("Bearer fw-key-one", "Bearer fw-key-two"), Set.copyOf(keys.subList(0, 2)), "both keys first");
        List<Long> delays = retryDelays(mark, "fireworks/rate-limited", "429", 3);
        assertEquals(0L, delays.get(0), "the other key at once: " + delays);
        assertTrue(delays.get(1) <= 100 && delays.get(2) <= 100, "waits capped by retry_backoff_max, not Retry-After: " + delays);
        // A backstop (the machine may be busy): the log above shows each wait the gateway chose.
        assertTrue(millis < 5_000, "waits are capped by retry_backoff_max: " + millis + " ms");
    }

    @Test
    void timeoutsAndResetsBeforeHeadersAreRetriedAndReportedAsGatewayErrors() {
        long start = System.nanoTime();
        chat("fireworks/hang", "").then().statusCode(504).body("error.code", equalTo("provider_timeout"))
                .header("x-heimdall-attempts", "3")
                .header("x-heimdall-tried", "fireworks/hang=timeout, fireworks/hang=timeout, fireworks/hang=timeout");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3, upstream.receivedList().size());
        // At least the configured 1 s per attempt; far less than the 30 s default (generous: the machine may be busy).
        assertTrue(millis >= 3_000 && millis < 15_000, "three 1 s timeouts plus backoff: " + millis);
        Await.until("the three timed-out upstream requests to be closed", () -> upstream.abandoned.get() >= 3);
        assertEquals(3, upstream.abandoned.get());

        upstream.reset();
        chat("fireworks/reset-before-headers", "").then().statusCode(502).body("error.code", equalTo("provider_unreachable"))
                .header("x-heimdall-attempts", "3").header("x-heimdall-tried",
                        "fireworks/reset-before-headers=unreachable, fireworks/reset-before-headers=unreachable, fireworks/reset-before-headers=unreachable");
        assertEquals(3, upstream.receivedList().size());
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
        Await.until("the stalled upstream request to be closed", () -> upstream.abandoned.get() >= 1);
        assertEquals(1, upstream.abandoned.get(), "only the stalled upstream request was abandoned");
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
        // A success resets the key's health, whatever earlier tests did to it.
        chat("xai/glm-5", "").then().statusCode(200);
        given().get("/api/providers").then().statusCode(200)
                .body("providers.find { it.name == 'xai' }.keys[0].health.consecutive_failures", equalTo(0));
        upstream.reset();
        for (int i = 0; i < 8; i++) {
            int sent = i + 1;
            try (java.net.Socket s = new java.net.Socket(chat.getHost(), chat.getPort())) {
                byte[] body = "{\"model\": \"xai/hang\", \"messages\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                // Leave only once the gateway is waiting on the upstream for this client.
                Await.until("request " + sent + " reaching the upstream", () -> upstream.received.size() == sent);
            }
        }
        Await.until("the gateway cancelling the 8 upstream requests whose clients left", () -> upstream.abandoned.get() == 8);
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

    /** What each fault model must produce for a streamed request to xai (one key, max_retries 0, no fallbacks). */
    static void assertFaultAnswer(String model, HttpResponse<String> r) {
        String body = r.body();
        String context = model + " answered " + r.statusCode() + " " + r.headers().map() + ": " + body;
        assertEquals("1", r.headers().firstValue("x-heimdall-attempts").orElse(null), context);
        switch (model) {
            case "close-mid-stream" -> {
                // Broke after its first byte: no failover, 200 with what came, then an error event.
                assertEquals(200, r.statusCode(), context);
                assertEquals("xai", r.headers().firstValue("x-heimdall-provider").orElse(null), context);
                int last = body.lastIndexOf("data: ");
                assertEquals(FakeOpenAi.chunk(model, 0) + FakeOpenAi.chunk(model, 1), body.substring(0, Math.max(0, last)), context);
                assertTrue(body.endsWith("\n\n"), context);
                JsonObject error = new JsonObject(body.substring(last + "data: ".length()).strip()).getJsonObject("error");
                assertEquals("stream_interrupted", error.getString("code"), context);
                assertTrue(!error.getString("message", "").isBlank() && !error.getString("type", "").isBlank(), context);
            }
            case "reset-before-headers" -> {
                assertEquals(502, r.statusCode(), context);
                assertEquals("provider_unreachable", new JsonObject(body).getJsonObject("error").getString("code"), context);
                assertEquals("xai/reset-before-headers=unreachable", r.headers().firstValue("x-heimdall-tried").orElse(null), context);
            }
            case "status-503" -> {
                // The upstream's error passes through.
                assertEquals(503, r.statusCode(), context);
                assertEquals("status_503", new JsonObject(body).getJsonObject("error").getString("code"), context);
                assertEquals("xai/status-503=503", r.headers().firstValue("x-heimdall-tried").orElse(null), context);
            }
            case "malformed-sse" -> {
                assertEquals(200, r.statusCode(), context);
                assertEquals("data: {not json\n\nevent without data\n\ndata: [DONE]\n\n", body, context);
            }
            case "glm-5" -> {
                assertEquals(200, r.statusCode(), context);
                assertEquals(StreamingTest.expectedStream("glm-5"), body, context);
            }
            default -> throw new IllegalArgumentException(model);
        }
    }

    @Test
    void upstreamConnectionsReturnToBaselineAfterFaults() throws Exception {
        // HTTP/1.1 to the gateway, as most OpenAI clients: that is where upstream keep-alive pooling is exercised.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> faults = List.of("close-mid-stream", "reset-before-headers", "status-503", "malformed-sse", "glm-5");
        int perModel = 10;
        int concurrency = faults.size() * perModel;
        // Other providers of this gateway share the fake upstream: count from what they keep open.
        int baseline = Await.settled("upstream connections before the faults", 10, upstream.openConnections::get, n -> true);
        int rounds = 8;
        int[] afterRound = new int[rounds];
        for (int round = 0; round < rounds; round++) {
            List<String> models = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (String model : faults) {
                for (int i = 0; i < perModel; i++) {
                    models.add(model);
                    calls.add(http.sendAsync(HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"xai/" + model + "\", \"stream\": true, \"messages\": []}"))
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
            }
            for (int i = 0; i < calls.size(); i++) {
                assertFaultAnswer(models.get(i), calls.get(i).get(30, TimeUnit.SECONDS));
            }
            // Broken connections close asynchronously on the upstream's side: read the count once it stops moving.
            afterRound[round] = Await.settled("upstream connections after round " + round, 10, upstream.openConnections::get, n -> true);
            // The pool holds at most one connection per request that was in flight at once; connections leaked by
            // some kind of answer pile up round after round beyond that.
            assertTrue(afterRound[round] <= baseline + concurrency, "upstream connections after each round (baseline " + baseline + "): "
                    + java.util.Arrays.toString(java.util.Arrays.copyOf(afterRound, round + 1)));
        }
    }
}
