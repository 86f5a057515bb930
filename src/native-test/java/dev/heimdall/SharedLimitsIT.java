package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.EmbeddedRedis;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.GatewayTestResource;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged gateways sharing one real Redis, as two replicas would: a concurrent burst against a request
 * limit admits exactly the limit across both, a burst against a budget passes it by no more than one
 * request's reservation, and a restarted replica finds the spend. Without Redis, one gateway's spend
 * survives its restart through SQLite.
 */
class SharedLimitsIT {

    private static final int REQUEST_LIMIT = 40;
    private static final double BUDGET_USD = 0.002;

    private final List<PackagedGateway> gateways = new ArrayList<>();
    private EmbeddedRedis redis;
    private FakeOpenAi upstream;

    @AfterEach
    void cleanUp() {
        gateways.forEach(PackagedGateway::close);
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Path appDir(String config) throws Exception {
        Path appDir = Files.createTempDirectory("heimdall-shared");
        Files.writeString(appDir.resolve("config.json"), config);
        return appDir;
    }

    private URI start(String config) throws Exception {
        return start(appDir(config));
    }

    /** A packaged gateway on {@code appDir}, with the Redis when one runs. */
    private URI start(Path appDir) throws Exception {
        // This test is about sharing, not timeouts: a cold JVM on 2 busy cores may take long for its first calls.
        PackagedGateway g = redis == null ? PackagedGateway.start(appDir)
                : PackagedGateway.start(appDir, "quarkus.redis.hosts=" + redis.url(), "heimdall.governance.redis-timeout=10s");
        gateways.add(g);
        return g.base();
    }

    @Test
    void twoReplicasEnforceOneRequestLimitAndOneBudget() throws Exception {
        redis = EmbeddedRedis.start();
        upstream = new FakeOpenAi();
        String config = GatewayTestResource.config(upstream.baseUrl())
                .replace("\"request_max_limit\": 3,", "\"request_max_limit\": " + REQUEST_LIMIT + ",")
                .replace("\"max_limit\": 0.0001,", "\"max_limit\": " + BUDGET_USD + ",");
        Path dirA = appDir(config);
        URI a = start(dirA);
        URI b = start(config);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\": \"openai/gpt-4o\", \"max_tokens\": 4, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

        List<Integer> limited = burst(http, a, b, GatewayTestResource.VK_LIMITED, body, 3 * REQUEST_LIMIT);
        assertEquals(REQUEST_LIMIT, limited.stream().filter(s -> s == 200).count(), "admitted across two replicas: " + limited);
        assertEquals(2 * REQUEST_LIMIT, limited.stream().filter(s -> s == 429).count(), limited.toString());

        List<Integer> spending = burst(http, a, b, GatewayTestResource.VK_BUDGET, body, 100);
        long admitted = spending.stream().filter(s -> s == 200).count();
        JsonObject budget = awaitSettled(http, a);
        double spent = budget.getDouble("spent_usd");
        // Each answer costs 3 input tokens at $2.50/M + 4 output at $10/M; each reservation is at least that.
        double perRequest = 3 * 2.5e-6 + 4 * 10e-6;
        double reservation = (body.length() / 4) * 2.5e-6 + 4 * 10e-6;
        System.out.printf("SharedLimitsIT: request limit %d -> %d admitted of %d; budget $%.6f -> %d admitted, spent $%.6f"
                + " (overshoot $%.6f, bound one reservation $%.6f)%n", REQUEST_LIMIT, REQUEST_LIMIT, limited.size(), BUDGET_USD,
                admitted, spent, Math.max(0, spent - BUDGET_USD), reservation);
        assertEquals(admitted * perRequest, spent, 1e-9, "every admitted request was charged once");
        assertTrue(spent <= BUDGET_USD + reservation + 1e-12, "overshoot beyond one reservation: spent " + spent);
        assertTrue(spending.contains(402), "the budget refused once spent: " + spending);

        stop(0);
        URI restarted = start(dirA);
        assertEquals(spent, awaitSettled(http, restarted).getDouble("spent_usd"), 1e-12, "a restarted replica finds the spend in Redis");
    }

    @Test
    void withoutRedisOneGatewaysSpendSurvivesItsRestart() throws Exception {
        upstream = new FakeOpenAi();
        Path dir = appDir(GatewayTestResource.config(upstream.baseUrl()));
        URI first = start(dir);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\": \"openai/gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        // The test config's budget ($0.0001 per month) admits three of these answers ($0.0000475 each) while under it.
        assertEquals(List.of(200, 200), List.of(send(http, first, body), send(http, first, body)));
        double spent = awaitSettled(http, first).getDouble("spent_usd");
        assertEquals(2 * 47.5e-6, spent, 1e-12);

        stop(0);
        URI second = start(dir);
        assertEquals(spent, awaitSettled(http, second).getDouble("spent_usd"), 1e-12, "the month's spend came back from SQLite");
        assertEquals(200, send(http, second, body), "the third answer still fits");
        assertEquals(402, send(http, second, body), "and the restored spend counts: the fourth does not");
    }

    /** Stops gateway {@code i} as Kubernetes would (SIGTERM) and waits for it to exit. */
    private void stop(int i) throws InterruptedException {
        Process p = gateways.get(i).process();
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the gateway did not stop on SIGTERM");
    }

    private static int send(HttpClient http, URI base, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).header("Content-Type", "application/json")
                .header("x-bf-vk", GatewayTestResource.VK_BUDGET).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code n} requests at once, alternating between the two gateways; their statuses. */
    private static List<Integer> burst(HttpClient http, URI a, URI b, String key, String body, int n) {
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpRequest r = HttpRequest.newBuilder((i % 2 == 0 ? a : b).resolve("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("x-bf-vk", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            all.add(http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    /** The budget once no reservation is outstanding (settlement runs as each exchange completes). */
    private static JsonObject awaitSettled(HttpClient http, URI base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonObject budget = null;
        while (System.nanoTime() < deadline) {
            String json = http.send(HttpRequest.newBuilder(base.resolve("/api/governance/budgets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            budget = new JsonObject(json).getJsonArray("budgets").getJsonObject(0);
            if (budget.getDouble("reserved_usd") == 0.0) {
                return budget;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("reservations never settled: " + budget);
    }
}
