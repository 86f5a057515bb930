package dev.heimdall.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.telemetry.RequestLog;
import dev.heimdall.testing.Await;
import dev.heimdall.testing.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The request log's filters, one entry, the summary for charts and the live feed, through the running gateway. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class LogsApiTest {

    @Inject
    RequestLog requestLog;

    private static void chat(String model, boolean stream) {
        given().contentType(ContentType.JSON).body("{\"model\": \"" + model + "\", \"stream\": " + stream + ", \"messages\": []}")
                .post("/v1/chat/completions").then().extract().asString();
    }

    private JsonObject logs(String query, int expected) {
        return Await.value(expected + " rows for " + query, () -> {
            requestLog.flush();
            return new JsonObject(given().get("/api/logs?" + query).then().statusCode(200).extract().asString());
        }, page -> page.getJsonArray("data").size() == expected);
    }

    @Test
    void filtersNarrowByModelOutcomeStreamAndBifrostsNames() {
        String label = "logged-" + UUID.randomUUID();
        chat("openai/" + label, false);
        chat("openai/" + label, true);
        chat("openai/status-500", false);
        JsonObject both = logs("model=" + label, 2);
        assertEquals(2, both.getInteger("total_count"));
        JsonObject streamed = logs("models=" + label + "&stream=true", 1);
        assertTrue(streamed.getJsonArray("data").getJsonObject(0).getBoolean("stream"));
        logs("model=" + label + "&status=error", 0);
        logs("model=" + label + "&status=success&providers=openai", 2);
        JsonObject failed = logs("model=status-500&status=error&limit=1", 1);
        long id = failed.getJsonArray("data").getJsonObject(0).getLong("id");
        JsonObject one = new JsonObject(given().get("/api/logs/" + id).then().statusCode(200).extract().asString());
        assertEquals(500, one.getInteger("status"));
        given().get("/api/logs/999999999").then().statusCode(404);
        given().get("/api/logs?stream=maybe").then().statusCode(400);
        given().get("/api/logs?status=700").then().statusCode(400);
    }

    @Test
    void theSummaryCountsRequestsErrorsAndLatencyPerBucketAndModel() {
        String label = "summary-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            chat("openai/" + label, false);
        }
        logs("model=" + label, 3);
        JsonObject summary = new JsonObject(given().get("/api/logs/summary?group_by=model&model=" + label).then().statusCode(200)
                .extract().asString());
        assertEquals(3, summary.getJsonObject("totals").getInteger("requests"));
        assertEquals(0, summary.getJsonObject("totals").getInteger("errors"));
        assertTrue(summary.getJsonObject("totals").getDouble("latency_p50_ms") > 0);
        assertEquals(60, summary.getInteger("interval_seconds"), "an hour in minutes");
        JsonArray series = summary.getJsonArray("series");
        assertTrue(series.size() >= 60 && series.size() <= 61, "every minute of the hour: " + series.size());
        assertEquals(3, series.stream().mapToInt(p -> ((JsonObject) p).getInteger("requests")).sum());
        assertEquals(label, summary.getJsonArray("groups").getJsonObject(0).getString("key"));
        given().get("/api/logs/summary?group_by=colour").then().statusCode(400);
        given().get("/api/logs/summary?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z").then().statusCode(400);
    }

    @Test
    void theLiveFeedSendsEachNewRequestAsItIsLogged() throws Exception {
        String label = "live-" + UUID.randomUUID();
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + RestAssured.port + "/api/logs/stream?model=" + label);
        CompletableFuture<HttpResponse<Stream<String>>> response = client.sendAsync(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> open = response.get();
        assertEquals(200, open.statusCode(), () -> open.body().toList().toString());
        assertEquals("text/event-stream", open.headers().firstValue("content-type").orElse(""));
        Thread reader = new Thread(() -> open.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        Await.until("the feed's opening comment", () -> lines.stream().anyMatch(l -> l.startsWith(": following")));
        chat("openai/other-model", false);
        chat("openai/" + label, false);
        String data = Await.value("the request in the live feed", () -> {
            requestLog.flush();
            return lines.stream().filter(l -> l.startsWith("data: ")).toList();
        }, found -> !found.isEmpty()).get(0);
        JsonObject entry = new JsonObject(data.substring(6));
        assertEquals(label, entry.getString("model"));
        assertTrue(entry.getLong("id") > 0, "the row's id, as /api/logs/{id} knows it");
        assertEquals(List.of("event: log"), lines.stream().filter(l -> l.startsWith("event:")).toList(), "only the followed model");
        open.body().close();
        reader.interrupt();
    }
}
