package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.EmbeddedPostgres;
import dev.heimdall.testing.FakeOpenAi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged gateways on one real PostgreSQL (config.json's config_store and logs_store of type postgres),
 * as two replicas behind a Service: a virtual key created through one's API is admitted by the other as soon
 * as PostgreSQL announces the change, a deletion through the other reaches the first, and the request log
 * either one shows holds the requests both served.
 */
class SharedStoreIT {

    private static final String PASSWORD_ENV = "HEIMDALL_IT_PG_PASSWORD";

    private final List<PackagedGateway> gateways = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EmbeddedPostgres pg;
    private FakeOpenAi upstream;

    @AfterEach
    void cleanUp() {
        gateways.forEach(PackagedGateway::close);
        if (upstream != null) {
            upstream.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private String config(String database) {
        String store = """
                {"enabled": true, "type": "postgres", "config": {"host": "127.0.0.1", "port": "%d", "user": "%s",
                 "password": "env.%s", "db_name": "%s", "ssl_mode": "disable", "max_open_conns": 4}}"""
                .formatted(pg.port(), EmbeddedPostgres.USER, PASSWORD_ENV, database);
        return """
                {
                  "providers": {"openai": {"keys": [{"name": "primary", "value": "sk-upstream-1", "models": ["*"]}],
                                           "network_config": {"base_url": "%s"}}},
                  "governance": {"virtual_keys": [{"id": "vk-file", "name": "from-the-file", "value": "sk-bf-from-the-file-0001",
                                                     "provider_configs": [{"provider": "openai"}]}]},
                  "config_store": %s,
                  "logs_store": %s
                }""".formatted(upstream.baseUrl(), store, store);
    }

    private URI start(String config) throws Exception {
        Path appDir = Files.createTempDirectory("heimdall-pg-replica");
        Files.writeString(appDir.resolve("config.json"), config);
        PackagedGateway g = PackagedGateway.start(appDir, Map.of(PASSWORD_ENV, pg.password()));
        gateways.add(g);
        return g.base();
    }

    @Test
    void twoReplicasShareTheirConfigurationAndOneRequestLog() throws Exception {
        pg = EmbeddedPostgres.start();
        upstream = new FakeOpenAi();
        String config = config(pg.createDatabase("heimdall"));
        URI a = start(config);
        URI b = start(config);

        JsonObject store = get(a, "/api/config").getJsonObject("config_store");
        assertEquals("postgres", store.getString("type"));
        assertTrue(store.getBoolean("shared_across_replicas"));
        assertFalse(store.encode().contains(pg.password()), "no password in the view");
        assertEquals("postgres", get(b, "/api/config").getJsonObject("logs_store").getString("type"));

        HttpResponse<String> created = send(a, "POST", "/api/governance/virtual-keys",
                "{\"id\": \"vk-shared\", \"name\": \"shared\", \"provider_configs\": [{\"provider\": \"openai\"}]}");
        assertEquals(200, created.statusCode(), created.body());
        JsonObject reply = new JsonObject(created.body());
        assertNull(reply.getValue("warning"), "a shared store reaches every replica: nothing to warn about");
        String value = reply.getJsonObject("virtual_key").getString("value");

        // B applies A's write when PostgreSQL announces it: the key is listed and admitted there.
        Await.until("B lists the virtual key A created", () -> status(b, "/api/governance/virtual-keys/vk-shared") == 200);
        assertEquals("api", get(b, "/api/governance/virtual-keys/vk-shared").getJsonObject("virtual_key").getString("source"));
        assertEquals(200, chat(b, "gpt-4o-via-b", value).statusCode());
        assertEquals(200, chat(a, "gpt-4o-via-a", value).statusCode());

        // Both replicas' requests are in the one log, whichever replica is asked.
        for (URI asked : List.of(a, b)) {
            JsonArray models = Await.value("both requests in " + asked + "'s log", () -> logModels(asked),
                    m -> m.contains("gpt-4o-via-a") && m.contains("gpt-4o-via-b"));
            assertEquals(2, models.size(), models.encode());
        }
        JsonObject summary = get(a, "/api/logs/summary?group_by=model");
        assertEquals(2, summary.getJsonObject("totals").getLong("requests"), summary.encode());

        // A's live feed shows what B serves, as B writes it.
        HttpResponse<java.util.stream.Stream<String>> feed = http.send(HttpRequest.newBuilder(a.resolve("/api/logs/stream")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, feed.statusCode());
        java.util.Iterator<String> lines = feed.body().iterator();
        assertTrue(lines.next().startsWith(": following"), "A follows before B serves");
        assertEquals(200, chat(b, "live-via-b", value).statusCode());
        String event = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data: ")) {
                    return line;
                }
            }
            return null;
        }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(event.contains("live-via-b"), event);
        feed.body().close();

        // A deletion through B reaches A.
        assertEquals(200, send(b, "DELETE", "/api/governance/virtual-keys/vk-shared", null).statusCode());
        Await.until("A drops the virtual key B deleted", () -> status(a, "/api/governance/virtual-keys/vk-shared") == 404);
        assertEquals(403, chat(a, "gpt-4o-via-a", value).statusCode(), "the deleted key is refused on A too");

        // The database goes away: the replicas stay in the Service and serve from the configuration in force, and
        // a management-API write says which store failed, without its password.
        String password = pg.password();
        pg.close();
        pg = null;
        assertEquals(200, send(a, "GET", "/q/health/ready", null).statusCode(), "readiness asks the pod's own SQLite");
        assertEquals(200, http.send(HttpRequest.newBuilder(b.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("x-bf-vk", "sk-bf-from-the-file-0001")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"openai/gpt-4o\", \"messages\": []}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> refused = send(a, "POST", "/api/governance/teams", "{\"id\": \"team-during-outage\"}");
        assertEquals(503, refused.statusCode(), refused.body());
        JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
        assertEquals("store_unavailable", error.getString("code"));
        assertTrue(error.getString("message").contains("PostgreSQL heimdall@127.0.0.1"), error.getString("message"));
        assertFalse(refused.body().contains(password));
    }

    private JsonArray logModels(URI gateway) {
        JsonArray models = new JsonArray();
        try {
            for (Object o : get(gateway, "/api/logs?limit=50").getJsonArray("data")) {
                String model = ((JsonObject) o).getString("requested_model");
                models.add(model.substring(model.indexOf('/') + 1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return models;
    }

    private HttpResponse<String> chat(URI gateway, String model, String virtualKey) throws Exception {
        return http.send(HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("x-bf-vk", virtualKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"openai/" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(URI gateway, String path) throws Exception {
        HttpResponse<String> r = send(gateway, "GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new JsonObject(r.body());
    }

    private int status(URI gateway, String path) {
        try {
            return send(gateway, "GET", path, null).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(URI gateway, String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(30));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        return http.send(r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
