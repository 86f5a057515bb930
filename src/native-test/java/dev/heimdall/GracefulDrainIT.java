package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged gateway while a stream is in flight: readiness goes down at once, new requests
 * are refused, the stream still completes whole, and then the process exits.
 */
class GracefulDrainIT {

    private Process process;
    private FakeOpenAi upstream;

    @AfterEach
    void cleanUp() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static List<String> command() {
        Path nativeBinary = Path.of(System.getProperty("native.image.path", "target/heimdall-0.1.0-runner"));
        if (Files.isExecutable(nativeBinary)) {
            return new ArrayList<>(List.of(nativeBinary.toString()));
        }
        Path jar = Path.of(System.getProperty("heimdall.jar.path", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.exists(jar), "package the application first: " + jar);
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sigtermDrainsTheStreamInFlightThenExits() throws Exception {
        upstream = new FakeOpenAi();
        Path appDir = Files.createTempDirectory("heimdall-drain");
        // The stream is held open for several seconds here; the shared test config would end it as idle.
        Files.writeString(appDir.resolve("config.json"), GatewayTestResource.config(upstream.baseUrl())
                .replace("\"stream_idle_timeout_in_seconds\": 5", "\"stream_idle_timeout_in_seconds\": 60"));
        int port = freePort();
        List<String> cmd = command();
        cmd.add(1, "-Dquarkus.http.port=" + port);
        cmd.add(1, "-Dquarkus.shutdown.delay=2s");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(appDir.resolve("gateway.log").toFile());
        pb.environment().put("HEIMDALL_APP_DIR", appDir.toString());
        process = pb.start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        // Start-up on a busy machine can take tens of seconds; the deadline only bounds how long a broken start takes to fail.
        awaitStatus(http, base.resolve("/q/health/ready"), 200, Duration.ofSeconds(60), appDir);

        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"openai/gated-stream\", \"stream\": true, \"messages\": []}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertEquals(FakeOpenAi.chunk("gated-stream", 0).strip(), reader.readLine());

        process.destroy(); // SIGTERM
        awaitStatus(http, base.resolve("/q/health/ready"), 503, Duration.ofSeconds(5), appDir);
        // After the shutdown delay no new request is served, while the stream above is still open.
        awaitRefused(http, base.resolve("/v1/models"), Duration.ofSeconds(10), appDir);
        assertTrue(process.isAlive(), "the process must wait for the stream in flight");

        upstream.gate.complete(null);
        String rest = reader.lines().collect(Collectors.joining("\n"));
        assertTrue(rest.strip().endsWith("data: [DONE]"), "the stream completed whole: " + rest);
        assertEquals(FakeOpenAi.STREAM_CHUNKS - 1, rest.lines().filter(l -> l.startsWith("data: {")).count());

        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the process exits once the stream is done");
        assertFalse(process.isAlive());
    }

    private void awaitStatus(HttpClient http, URI uri, int status, Duration within, Path appDir) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(uri + " never answered " + status + " (last " + last + ")\n" + Files.readString(appDir.resolve("gateway.log")));
    }

    private void awaitRefused(HttpClient http, URI uri, Duration within, Path appDir) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == 503) {
                assertTrue(last.body().contains("\"code\":\"shutting_down\""), last.body());
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(uri + " was still served during shutdown (" + last.statusCode() + ")\n"
                + Files.readString(appDir.resolve("gateway.log")));
    }
}
