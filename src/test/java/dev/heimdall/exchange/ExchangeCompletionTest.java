package dev.heimdall.exchange;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.CompletionRecorder;
import dev.heimdall.testing.CompletionRecorder.Completed;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way a request can end completes its exchange exactly once, with the status the client saw and
 * why: success, upstream error, timeout, unreachable upstream, bad input, too large, unknown model, a
 * stream broken upstream, and a client that leaves while sending, while waiting, or mid-stream.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ExchangeCompletionTest {

    @Fake
    FakeOpenAi upstream;

    @Inject
    CompletionRecorder recorder;

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private Completed completedOnce(String id) throws InterruptedException {
        List<Completed> seen = recorder.await(id);
        assertEquals(1, seen.size(), "completions of " + id + ": " + seen);
        return seen.get(0);
    }

    private String post(String body, int expectedStatus) {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").header("x-test-id", id).body(body).post("/v1/chat/completions")
                .then().statusCode(expectedStatus);
        return id;
    }

    @Test
    void successAndUpstreamErrorsCompleteOnceWithTheirOutcome() throws Exception {
        Completed ok = completedOnce(post("{\"model\": \"openai/glm-5\", \"messages\": []}", 200));
        assertEquals(200, ok.status());
        assertEquals(null, ok.errorType());
        assertEquals(3L, ok.inputTokens());

        Completed stream = completedOnce(post("{\"model\": \"openai/glm-5\", \"stream\": true, \"messages\": []}", 200));
        assertEquals(200, stream.status());
        assertEquals(null, stream.errorType());

        Completed rejected = completedOnce(post("{\"model\": \"openai/status-400\", \"messages\": []}", 400));
        assertEquals(400, rejected.status());
        assertEquals("status_400", rejected.errorType());

        Completed timeout = completedOnce(post("{\"model\": \"mistral/hang\", \"messages\": []}", 504));
        assertEquals("provider_timeout", timeout.errorType());

        Completed unreachable = completedOnce(post("{\"model\": \"groq/llama-3.3-70b\", \"messages\": []}", 502));
        assertEquals("provider_unreachable", unreachable.errorType());

        Completed broken = completedOnce(post("{\"model\": \"xai/close-mid-stream\", \"stream\": true, \"messages\": []}", 200));
        assertEquals(200, broken.status());
        assertEquals("stream_interrupted", broken.errorType());
    }

    @Test
    void requestsRefusedBeforeAnyUpstreamCompleteOnce() throws Exception {
        assertEquals("invalid_json", completedOnce(post("{\"model\": ", 400)).errorType());
        assertEquals("model_not_found", completedOnce(post("{\"model\": \"nobody/serves-this\", \"messages\": []}", 404)).errorType());
        String big = "{\"model\": \"openai/glm-5\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(1_100_000) + "\"}]}";
        assertEquals("request_too_large", completedOnce(post(big, 413)).errorType());
        assertTrue(upstream.receivedList().isEmpty(), "none reached the upstream");
    }

    @Test
    void aClientLeavingWhileSendingTheBodyCompletesTheExchange() throws Exception {
        String id = UUID.randomUUID().toString();
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-test-id: " + id
                    + "\r\nContent-Length: 1000\r\n\r\n{\"model\": ").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        Completed gone = completedOnce(id);
        assertEquals(499, gone.status());
        assertEquals("client_disconnected", gone.errorType());
    }

    @Test
    void aClientLeavingBeforeTheAnswerOrMidStreamCompletesTheExchange() throws Exception {
        String waiting = UUID.randomUUID().toString();
        try (Socket socket = send(waiting, "{\"model\": \"xai/hang\", \"tag\": \"" + waiting + "\", \"messages\": []}")) {
            awaitUpstreamSaw(waiting);
        }
        assertEquals(499, completedOnce(waiting).status());
        assertTrue(upstream.abandonedAwait(1), "the upstream call was cancelled");

        String streaming = UUID.randomUUID().toString();
        try (Socket socket = send(streaming, "{\"model\": \"xai/endless-stream\", \"stream\": true, \"messages\": []}")) {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[512];
            String seen = "";
            while (!seen.contains("data: ")) {
                int n = in.read(buf);
                assertTrue(n > 0, "the stream started");
                seen += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
        }
        Completed gone = completedOnce(streaming);
        assertEquals(499, gone.status());
        assertEquals("client_disconnected", gone.errorType());
    }

    private Socket send(String id, String body) throws Exception {
        Socket socket = new Socket(gateway.getHost(), gateway.getPort());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-test-id: " + id
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return socket;
    }

    private void awaitUpstreamSaw(String tag) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (upstream.receivedList().stream().noneMatch(r -> r.body().contains(tag))) {
            assertTrue(System.nanoTime() < deadline, "the upstream never received " + tag);
            Thread.sleep(10);
        }
    }
}
