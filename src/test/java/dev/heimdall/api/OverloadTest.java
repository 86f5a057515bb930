package dev.heimdall.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A gateway with room for three requests in flight: the fourth is turned away at once, and slow clients hold nothing. */
@QuarkusTest
@TestProfile(OverloadTest.ThreeInFlight.class)
@QuarkusTestResource(GatewayTestResource.class)
class OverloadTest {

    public static class ThreeInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("heimdall.max-in-flight", "3");
        }
    }

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    @Fake
    FakeOpenAi upstream;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpRequest request(String model) {
        return HttpRequest.newBuilder(chat).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"messages\": []}")).build();
    }

    @Test
    void beyondTheBoundA429WithRetryAfterInsteadOfAQueue() throws Exception {
        upstream.reset();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // openai answers 504 after its 5 s timeout: the three hold every slot until then.
            held.add(http.sendAsync(request("openai/hang"), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until("the three held requests to reach the upstream", () -> upstream.received.size() == 3);
        long start = System.nanoTime();
        HttpResponse<String> turnedAway = http.send(request("xai/glm-5"), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(429, turnedAway.statusCode(), turnedAway.body());
        assertEquals("1", turnedAway.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("gateway_overloaded", new JsonObject(turnedAway.body()).getJsonObject("error").getString("code"));
        assertEquals(3, upstream.receivedList().size(), "the turned-away request never reached the upstream");
        // Queued, it would have waited for a slot (the held requests' 5 s); generous, the machine may be busy.
        assertTrue(millis < 3_000, "answered at once, not queued: " + millis + " ms");
        assertTrue(held.stream().noneMatch(CompletableFuture::isDone), "the slots were still held when it was turned away");
        for (var h : held) {
            assertEquals(504, h.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(200, http.send(request("xai/glm-5"), HttpResponse.BodyHandlers.ofString()).statusCode(), "capacity is given back");
    }

    @Test
    void slowClientsDoNotHoldTheServer() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket(chat.getHost(), chat.getPort());
                OutputStream out = s.getOutputStream();
                out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            }
            long start = System.nanoTime();
            assertEquals(200, http.send(request("xai/glm-5"), HttpResponse.BodyHandlers.ofString()).statusCode());
            long millis = (System.nanoTime() - start) / 1_000_000;
            // Were the stalled clients holding threads or slots, it would not be answered before its 10 s timeout;
            // generous, the machine may be busy.
            assertTrue(millis < 5_000, "a normal request among 300 stalled ones took " + millis + " ms");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
