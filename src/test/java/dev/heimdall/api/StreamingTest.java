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
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class StreamingTest {

    @Fake
    FakeOpenAi upstream;

    @TestHTTPResource("/v1/chat/completions")
    URI chat;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    HttpRequest streamRequest(String model) {
        return HttpRequest.newBuilder(chat).header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"stream\": true, \"messages\": []}"))
                .build();
    }

    static String expectedStream(String model) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FakeOpenAi.STREAM_CHUNKS; i++) {
            sb.append(FakeOpenAi.chunk(model, i));
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    @Test
    void chunksArriveAsTheUpstreamSendsThem() throws Exception {
        HttpResponse<InputStream> response = http.send(streamRequest("openai/gated-stream"), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        assertEquals("openai", response.headers().firstValue("x-heimdall-provider").orElse(""));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The upstream holds the rest of the stream until the gate opens, which only happens below: the first
            // line can only arrive if the gateway relayed it on its own. (Bounded: a gateway that buffered would
            // leave readLine blocked forever.)
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(20, TimeUnit.SECONDS);
            assertEquals(FakeOpenAi.chunk("gated-stream", 0).strip(), first);
            upstream.gate.complete(null);
            String rest = reader.lines().collect(Collectors.joining("\n"));
            assertEquals(expectedStream("gated-stream").substring(first.length() + 1).strip(), rest.strip());
        }
    }

    @Test
    void clientDisconnectCancelsTheUpstreamPromptly() throws Exception {
        HttpResponse<InputStream> response = http.send(streamRequest("openai/endless-stream"), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        assertTrue(reader.readLine().startsWith("data: "));
        assertEquals(0, upstream.abandoned.get());
        long closedAt = System.nanoTime();
        body.close();
        // The endless stream never goes idle: without the cancellation it would run until the test ends.
        Await.until("the upstream request to be cancelled after its client left", () -> upstream.abandoned.get() >= 1);
        long millis = (System.nanoTime() - closedAt) / 1_000_000;
        assertEquals(1, upstream.abandoned.get());
        // Generous (the machine may be busy): it takes milliseconds.
        assertTrue(millis < 3_000, "cancelled after " + millis + " ms");
    }

    @Test
    void twoHundredConcurrentStreamsAllCompleteIntact() throws Exception {
        int n = 200;
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(http.sendAsync(streamRequest("openai/model-" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = futures.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals(expectedStream("model-" + i), r.body(), "stream " + i);
        }
        assertEquals(n, upstream.receivedList().size());
    }

    @Test
    void upstreamStreamRequestAsksForEventStream() throws Exception {
        HttpResponse<String> r = http.send(streamRequest("openai/glm-5"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, upstream.receivedList().size());
        assertEquals("text/event-stream", upstream.receivedList().get(0).headers().get("Accept"));
    }

    /**
     * Over HTTP/2 a response's close handler fires when its stream ends, not when the connection closes:
     * that must not cancel (reset) an upstream call that already finished, or every request costs the
     * upstream a new connection.
     */
    @Test
    void http2ClientsKeepTheUpstreamConnectionsAlive() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        h2.send(HttpRequest.newBuilder(chat).GET().build(), HttpResponse.BodyHandlers.discarding()); // h2c upgrade on a bodiless request
        int before = upstream.acceptedConnections.get();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = h2.send(streamRequest("xai/glm-5"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, res.version(), "the client speaks HTTP/2 to the gateway");
            assertEquals(expectedStream("glm-5"), res.body());
            HttpResponse<String> json = h2.send(HttpRequest.newBuilder(chat).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"xai/glm-5\", \"messages\": []}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, json.statusCode());
        }
        int opened = upstream.acceptedConnections.get() - before;
        assertTrue(opened <= 2, "40 sequential requests over HTTP/2 opened " + opened + " upstream connections");
    }
}
